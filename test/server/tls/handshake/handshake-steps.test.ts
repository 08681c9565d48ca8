import { describe, expect, it } from 'vitest'
import { decodeConnection } from '../../../../server/tls/handshake/decode-connection.js'
import { makeTestPki } from '../support/test-pki.js'
import { runExchange } from '../support/tls-exchange.js'
import { classifyClientError } from '../../../../server/tls/handshake/client-error-kind.js'
import { handshakeSteps } from '../../../../server/tls/handshake/handshake-steps.js'

describe('handshakeSteps without a capture', () => {
  it('fails HS with HANDSHAKE_SIGNATURE_INVALID on OpenSSL bad signature', () => {
    const steps = handshakeSteps({ handshakeCompleted: false, streamEnded: false, clientError: { code: 'ERR_SSL_BAD_SIGNATURE', message: 'bad signature' } })
    expect(steps.map((s) => [s.step, s.status, s.code])).toEqual([
      ['PROTO', 'skip', 'NOT_REACHED'],
      ['HS', 'fail', 'HANDSHAKE_SIGNATURE_INVALID'],
      ['FIN', 'skip', 'NOT_REACHED'],
      ['REC', 'skip', 'NOT_REACHED'],
    ])
  })

  it('fails PROTO with DOWNGRADE_SENTINEL on inappropriate fallback even without the ServerHello', () => {
    const steps = handshakeSteps({ handshakeCompleted: false, streamEnded: false, clientError: { code: 'ERR_SSL_INAPPROPRIATE_FALLBACK', message: '' } })
    expect(steps[0]).toMatchObject({ step: 'PROTO', status: 'fail', code: 'DOWNGRADE_SENTINEL' })
  })

  it('skips FIN as not reached, saying why, after an earlier failure', () => {
    const steps = handshakeSteps({ handshakeCompleted: false, streamEnded: false, clientError: { code: 'ERR_SSL_BAD_SIGNATURE', message: 'bad signature' } })
    expect(steps[2]).toEqual({ step: 'FIN', status: 'skip', code: 'NOT_REACHED', message: 'The handshake failed before the Finished messages.' })
  })

  it('fails FIN on a peer decrypt_error without a capture, with no Finished detail it does not have', () => {
    const steps = handshakeSteps({ handshakeCompleted: false, streamEnded: false, clientError: { code: 'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR', message: '' } })
    expect(steps[2]?.detail).toEqual({ version: null, clientError: 'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR', alert: 'decrypt_error', detectedBy: 'peer' })
  })

  it('passes REC for a completed handshake whose stream ended, when there is no capture to read close_notify from', () => {
    const steps = handshakeSteps({ handshakeCompleted: true, streamEnded: true })
    expect(steps[3]).toEqual({ step: 'REC', status: 'pass', message: 'Every record verified and the server closed with close_notify.' })
  })

  it('passes FIN for a completed handshake with no capture, claiming no Finished detail it does not have', () => {
    const steps = handshakeSteps({ handshakeCompleted: true, streamEnded: true })
    expect(steps[2]).toEqual({ step: 'FIN', status: 'pass', message: 'Both Finished messages matched the handshake transcript.' })
  })

  it('fails REC with RECORD_LAYER_ERROR for a reset after the handshake', () => {
    const steps = handshakeSteps({ handshakeCompleted: true, streamEnded: false, clientError: { code: 'ECONNRESET', message: 'read ECONNRESET' } })
    expect(steps[3]).toMatchObject({ step: 'REC', status: 'fail', code: 'RECORD_LAYER_ERROR' })
  })
})

describe('classifyClientError', () => {
  it('reads a received alert as detected by the peer', () => {
    expect(classifyClientError({ code: 'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR', message: '' })).toEqual({
      kind: 'finished',
      detectedBy: 'peer',
      alert: 'decrypt_error',
      code: 'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
    })
  })

  it('reads the GCM provider failure as the client own record MAC failure', () => {
    expect(classifyClientError({ code: 'ERR_SSL_CIPHER_OPERATION_FAILED', message: '' })).toMatchObject({ kind: 'record-mac', detectedBy: 'client' })
  })

  it('reads an RSA signature value too large for the genuine modulus as a signature failure', () => {
    expect(classifyClientError({ code: 'ERR_SSL_DATA_TOO_LARGE_FOR_MODULUS', message: 'rsa routines::data too large for modulus' }).kind).toBe('signature')
  })
})

describe('handshakeSteps on a real capture', () => {
  it('passes REC with the record totals it read, close_notify included, and FIN with both Finished checks', async () => {
    const exchange = await runExchange({ pki: makeTestPki('rsa') })
    const transcript = decodeConnection({ ...exchange.connection.clientLeg(), keylog: exchange.keylog })
    const steps = handshakeSteps({ handshakeCompleted: true, streamEnded: true, transcript })
    const totals = transcript.totals.serverToClient
    expect(totals.closeNotify).toBe(true)
    expect(totals.applicationRecords).toBeGreaterThan(0)
    expect(steps[3]).toEqual({ step: 'REC', status: 'pass', message: 'Every record verified and the server closed with close_notify.', detail: { ...totals } })
    expect(steps[2]?.detail).toEqual({ client: 'verified', server: 'verified' })
  })
})
