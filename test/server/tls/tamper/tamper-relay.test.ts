import { once } from 'node:events'
import net from 'node:net'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeConnection } from '../../../../server/tls/handshake/decode-connection.js'
import { handshakeSteps } from '../../../../server/tls/handshake/handshake-steps.js'
import { createTamperRelay } from '../../../../server/tls/tamper/tamper-relay.js'
import { STRONGEST_SUITES, SSL_OP_NO_EXTENDED_MASTER_SECRET } from '../../../../server/tls/tamper/client-hello-edit.js'
import type { TamperSpec } from '../../../../server/tls/tamper/tamper-strategy.js'
import type { StepResult } from '../../../../server/steps/step-result.js'
import { makeTestPki } from '../support/test-pki.js'
import type { TestPki } from '../support/test-pki.js'
import { runExchange } from '../support/tls-exchange.js'
import type { ExchangeOptions, ExchangeOutcome } from '../support/tls-exchange.js'

const TLS12 = { maxVersion: 'TLSv1.2' } as const
const NO_EMS = { secureOptions: SSL_OP_NO_EXTENDED_MASTER_SECRET }

interface Observed {
  outcome: ExchangeOutcome
  steps: Record<string, StepResult>
}

let pki: TestPki
beforeAll(() => {
  pki = makeTestPki()
})

async function observe(tamper: TamperSpec, options: Partial<ExchangeOptions> = {}): Promise<Observed> {
  const outcome = await runExchange({
    pki,
    tamper,
    clientWrites: ['ping-1', 'ping-2'],
    serverWrites: ['part-1', 'part-2', 'part-3'],
    ...options,
  })
  const transcript = decodeConnection({ ...outcome.connection.clientLeg(), keylog: outcome.keylog })
  const list = handshakeSteps({ handshakeCompleted: outcome.secureConnected, clientError: outcome.clientError, streamEnded: outcome.clientEnded, transcript })
  return { outcome, steps: Object.fromEntries(list.map((s) => [s.step, s])) }
}

const statusAndCode = (steps: Record<string, StepResult>): Record<string, string> =>
  Object.fromEntries(Object.entries(steps).map(([id, s]) => [id, s.code ? `${s.status} ${s.code}` : s.status]))

describe('faithful relay (control)', () => {
  it.each([
    ['TLS 1.3', {}],
    ['TLS 1.2', TLS12],
  ])('passes PROTO, HS, FIN and REC over %s and carries only ciphertext', async (_name, client) => {
    const { outcome, steps } = await observe({ kind: 'faithful' }, { client })
    expect(outcome.clientError).toBeUndefined()
    expect(outcome.clientReceived).toBe('part-1part-2part-3')
    expect(statusAndCode(steps)).toEqual({ PROTO: 'pass', HS: 'pass', FIN: 'pass', REC: 'pass' })
    const seen = Buffer.concat([outcome.connection.fromClient.bytes, outcome.connection.fromServer.bytes]).toString('latin1')
    expect(seen).not.toContain('ping-1')
    expect(seen).not.toContain('part-1')
  })
})

describe('ClientHello edited in flight', () => {
  it('TLS 1.3, strongest suites dropped: FIN, the client cannot open the server flight (bad_record_mac)', async () => {
    const { outcome, steps } = await observe({ kind: 'edit-client-hello', edits: [{ kind: 'drop-cipher-suites', suites: STRONGEST_SUITES }] })
    expect(outcome.clientError?.code).toBe('ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC')
    expect(statusAndCode(steps)).toEqual({ PROTO: 'pass', HS: 'skip NOT_REACHED', FIN: 'fail TRANSCRIPT_MISMATCH', REC: 'skip NOT_REACHED' })
  })

  it('TLS 1.2 with extended_master_secret, strongest suites dropped: FIN, the server cannot open the client Finished', async () => {
    const { outcome, steps } = await observe({ kind: 'edit-client-hello', edits: [{ kind: 'drop-cipher-suites', suites: STRONGEST_SUITES }] }, { client: TLS12 })
    expect(outcome.clientError?.code).toBe('ERR_SSL_SSL/TLS_ALERT_BAD_RECORD_MAC')
    expect(statusAndCode(steps)).toEqual({ PROTO: 'pass', HS: 'pass', FIN: 'fail TRANSCRIPT_MISMATCH', REC: 'skip NOT_REACHED' })
  })

  it('TLS 1.2 without extended_master_secret, strongest suites dropped: FIN, the server rejects the Finished (decrypt_error)', async () => {
    const { outcome, steps } = await observe(
      { kind: 'edit-client-hello', edits: [{ kind: 'drop-cipher-suites', suites: STRONGEST_SUITES }] },
      { client: TLS12, server: NO_EMS },
    )
    expect(outcome.clientError?.code).toBe('ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR')
    expect(outcome.serverError?.code).toBe('ERR_SSL_DIGEST_CHECK_FAILED')
    expect(outcome.connection.notes[0]).toMatch(/^edited ClientHello \(drop-cipher-suites\)/)
    expect(steps['FIN']).toMatchObject({ status: 'fail', code: 'TRANSCRIPT_MISMATCH', detail: { alert: 'decrypt_error', detectedBy: 'peer' } })
  })

  it('TLS 1.2 without extended_master_secret, ALPN changed: FIN (decrypt_error)', async () => {
    const { outcome, steps } = await observe(
      { kind: 'edit-client-hello', edits: [{ kind: 'set-alpn', protocols: ['http/1.1'] }] },
      { client: { ...TLS12, ALPNProtocols: ['h2', 'http/1.1'] }, server: { ...NO_EMS, ALPNProtocols: ['h2', 'http/1.1'] } },
    )
    expect(outcome.clientError?.code).toBe('ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR')
    expect(steps['FIN']?.code).toBe('TRANSCRIPT_MISMATCH')
  })

  it('TLS 1.3, ALPN changed: FIN (bad_record_mac on the first encrypted server record)', async () => {
    const { outcome, steps } = await observe(
      { kind: 'edit-client-hello', edits: [{ kind: 'set-alpn', protocols: ['http/1.1'] }] },
      { client: { ALPNProtocols: ['h2', 'http/1.1'] }, server: { ALPNProtocols: ['h2', 'http/1.1'] } },
    )
    expect(outcome.clientError?.code).toBe('ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC')
    expect(steps['FIN']?.code).toBe('TRANSCRIPT_MISMATCH')
  })

  it('TLS 1.3 removed from supported_versions: PROTO, the downgrade sentinel in ServerHello.random', async () => {
    const { outcome, steps } = await observe({ kind: 'edit-client-hello', edits: [{ kind: 'remove-tls13' }] })
    expect(outcome.clientError?.code).toBe('ERR_SSL_INAPPROPRIATE_FALLBACK')
    expect(statusAndCode(steps)).toEqual({ PROTO: 'fail DOWNGRADE_SENTINEL', HS: 'skip NOT_REACHED', FIN: 'skip NOT_REACHED', REC: 'skip NOT_REACHED' })
    expect(steps['PROTO']?.detail).toMatchObject({ sentinel: 'TLS12', negotiated: 'TLSv1.2' })
  })
})

describe('application records tampered by a relay without keys', () => {
  it.each<[string, TamperSpec, NonNullable<ExchangeOptions['client']>, string]>([
    ['TLS 1.3 bit flipped, server→client', { kind: 'flip-bit', direction: 'serverToClient' }, {}, 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC'],
    ['TLS 1.2 bit flipped, server→client', { kind: 'flip-bit', direction: 'serverToClient' }, TLS12, 'ERR_SSL_CIPHER_OPERATION_FAILED'],
    ['TLS 1.3 record injected, server→client', { kind: 'inject', direction: 'serverToClient' }, {}, 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC'],
    ['TLS 1.3 records reordered, server→client', { kind: 'reorder', direction: 'serverToClient' }, {}, 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC'],
    ['TLS 1.3 bit flipped, client→server (the server alerts)', { kind: 'flip-bit', direction: 'clientToServer' }, {}, 'ERR_SSL_SSL/TLS_ALERT_BAD_RECORD_MAC'],
    ['TLS 1.2 records reordered, client→server (the server alerts)', { kind: 'reorder', direction: 'clientToServer', applicationIndex: 0 }, TLS12, 'ERR_SSL_SSL/TLS_ALERT_BAD_RECORD_MAC'],
  ])('%s: REC RECORD_MAC_FAILED', async (_name, tamper, client, clientCode) => {
    const { outcome, steps } = await observe(tamper, { client })
    expect(outcome.secureConnected).toBe(true)
    expect(outcome.clientError?.code).toBe(clientCode)
    expect(outcome.connection.notes).toHaveLength(1)
    expect(statusAndCode(steps)).toEqual({ PROTO: 'pass', HS: 'pass', FIN: 'pass', REC: 'fail RECORD_MAC_FAILED' })
  })

  it.each([
    ['TLS 1.3', {}],
    ['TLS 1.2', TLS12],
  ])('%s truncated after one server record: REC TRUNCATED_WITHOUT_CLOSE_NOTIFY while Node reports a clean end', async (_name, client) => {
    const { outcome, steps } = await observe({ kind: 'truncate', direction: 'serverToClient', afterApplicationRecords: 1 }, { client })
    expect(outcome.clientError).toBeUndefined()
    expect(outcome.clientEnded).toBe(true)
    expect(outcome.clientReceived.length).toBeLessThan('part-1part-2part-3'.length)
    expect(steps['REC']).toMatchObject({ status: 'fail', code: 'TRUNCATED_WITHOUT_CLOSE_NOTIFY' })
  })
})

describe('records injected into the handshake (early CCS, Heartbleed probe)', () => {
  it.each<[string, TamperSpec, NonNullable<ExchangeOptions['client']>, string]>([
    ['TLS 1.2 ChangeCipherSpec before the key exchange', { kind: 'early-ccs' }, TLS12, 'ERR_SSL_UNEXPECTED_MESSAGE'],
    ['TLS 1.2 HeartbeatRequest', { kind: 'heartbeat-request' }, TLS12, 'ERR_SSL_UNEXPECTED_RECORD'],
    ['TLS 1.3 HeartbeatRequest', { kind: 'heartbeat-request' }, {}, 'ERR_SSL_BAD_RECORD_TYPE'],
  ])('%s: HS UNEXPECTED_MESSAGE', async (_name, tamper, client, clientCode) => {
    const { outcome, steps } = await observe(tamper, { client })
    expect(outcome.clientError?.code).toBe(clientCode)
    expect(outcome.serverError?.code).toBe('ERR_SSL_SSL/TLS_ALERT_UNEXPECTED_MESSAGE')
    expect(statusAndCode(steps)).toEqual({ PROTO: 'pass', HS: 'fail UNEXPECTED_MESSAGE', FIN: 'skip NOT_REACHED', REC: 'skip NOT_REACHED' })
  })

  it('TLS 1.3 ignores a ChangeCipherSpec during the handshake (RFC 8446 §5): nothing fails', async () => {
    const { outcome, steps } = await observe({ kind: 'early-ccs' })
    expect(outcome.connection.notes).toEqual(['injected a ChangeCipherSpec right after ServerHello'])
    expect(outcome.clientError).toBeUndefined()
    expect(statusAndCode(steps)).toEqual({ PROTO: 'pass', HS: 'pass', FIN: 'pass', REC: 'pass' })
  })
})

describe('relay plumbing', () => {
  it('relays bytes that are not TLS verbatim and records the framing loss', async () => {
    const echo = net.createServer((socket) => socket.pipe(socket))
    echo.listen(0, '127.0.0.1')
    await once(echo, 'listening')
    const address = echo.address()
    if (address === null || typeof address === 'string') throw new Error('no echo address')
    const relay = await createTamperRelay({ upstream: { host: '127.0.0.1', port: address.port }, tamper: { kind: 'flip-bit', direction: 'clientToServer' } })
    const socket = net.connect(relay.port, '127.0.0.1')
    const request = 'GET / HTTP/1.1\r\nHost: bank.lab\r\n\r\n'
    socket.end(request)
    let echoed = ''
    socket.on('data', (d: Buffer) => (echoed += d.toString()))
    await once(socket, 'close')
    const connection = relay.connections[0]
    expect(echoed).toBe(request)
    expect(connection?.framingError?.code).toBe('UNKNOWN_CONTENT_TYPE')
    expect(connection?.toServer.bytes.toString()).toBe(request)
    await relay.close()
    await new Promise<void>((resolve) => echo.close(() => resolve()))
  })
})
