import { beforeAll, describe, expect, it } from 'vitest'
import { findScenario } from '../../../../scenarios/index.js'
import { decodeConnection } from '../../../../server/tls/handshake/decode-connection.js'
import { handshakeSteps } from '../../../../server/tls/handshake/handshake-steps.js'
import { withFlippedFinished, type CapturedLeg } from '../support/flip-finished.js'
import { makeTestPki } from '../support/test-pki.js'
import { runExchange } from '../support/tls-exchange.js'

/*
 * The Finished check recomputes both verify_data values over the captured transcript and
 * compares them byte for byte. Here a real capture gets one Finished rewritten by someone
 * holding the record keys (decrypt, flip one verify_data byte, re-encrypt): every record still
 * authenticates and the length is unchanged, so only a byte comparison notices. The handshake
 * is then judged as completed, with no client error: the peer did not abort, the lab must.
 */

interface Capture {
  leg: CapturedLeg
  keylog: string
}

const captures: Partial<Record<'tls13' | 'tls12' | 'tls12chacha' | 'tls12rsachacha', Capture>> = {}

function capture(name: keyof typeof captures): Capture {
  const found = captures[name]
  if (found === undefined) throw new Error(`no ${name} capture`)
  return found
}

beforeAll(async () => {
  const rsa = makeTestPki('rsa')
  const ec = makeTestPki('ec')
  const exchanges = {
    tls13: await runExchange({ pki: rsa }),
    tls12: await runExchange({ pki: rsa, client: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' } }),
    // ChaCha20-Poly1305 in TLS 1.2 has no explicit nonce (RFC 7905 §2): the other record layout.
    tls12chacha: await runExchange({ pki: ec, client: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305' } }),
    tls12rsachacha: await runExchange({ pki: rsa, client: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' } }),
  }
  for (const [name, exchange] of Object.entries(exchanges)) {
    const { clientToServer, serverToClient } = exchange.connection.clientLeg()
    captures[name as keyof typeof captures] = { leg: { clientToServer: Buffer.from(clientToServer), serverToClient: Buffer.from(serverToClient) }, keylog: exchange.keylog }
  }
})

function decode(leg: CapturedLeg, keylog: string): ReturnType<typeof decodeConnection> {
  return decodeConnection({ ...leg, keylog })
}

describe('checkFinished on real captures', () => {
  it.each(['tls13', 'tls12', 'tls12chacha', 'tls12rsachacha'] as const)('%s untouched: both Finished verified, FIN passes', (name) => {
    const { leg, keylog } = capture(name)
    const transcript = decode(leg, keylog)
    expect(transcript.errors).toEqual([])
    expect(transcript.finished).toEqual({ client: 'verified', server: 'verified' })
    const fin = handshakeSteps({ handshakeCompleted: true, streamEnded: true, transcript }).find((s) => s.step === 'FIN')
    expect(fin).toMatchObject({ step: 'FIN', status: 'pass' })
  })

  it.each<[string, keyof typeof captures, 'client' | 'server', boolean, { client: string; server: string }]>([
    // TLS 1.3: the client Finished is computed over a transcript that includes the server Finished (RFC 8446 §4.4.4),
    // so a flipped server Finished makes both mismatch; a flipped client Finished only the client's.
    ['TLS 1.3 server Finished (server to client)', 'tls13', 'server', true, { client: 'mismatch', server: 'mismatch' }],
    ['TLS 1.3 client Finished (client to server)', 'tls13', 'client', true, { client: 'mismatch', server: 'verified' }],
    // TLS 1.2 full handshake: the client sends Finished first, and the server's covers it (RFC 5246 §7.4.9).
    ['TLS 1.2 client Finished (client to server)', 'tls12', 'client', false, { client: 'mismatch', server: 'mismatch' }],
    ['TLS 1.2 server Finished (server to client)', 'tls12', 'server', false, { client: 'verified', server: 'mismatch' }],
    ['TLS 1.2 ChaCha20 client Finished', 'tls12chacha', 'client', false, { client: 'mismatch', server: 'mismatch' }],
    ['TLS 1.2 ChaCha20 server Finished', 'tls12chacha', 'server', false, { client: 'verified', server: 'mismatch' }],
  ])('%s with one verify_data byte flipped: mismatch, and FIN fails though the peer did not abort', (_name, name, sender, tls13, expected) => {
    const { leg, keylog } = capture(name)
    const tampered = withFlippedFinished(leg, keylog, sender, tls13)
    expect(tampered[sender === 'client' ? 'clientToServer' : 'serverToClient'].equals(leg[sender === 'client' ? 'clientToServer' : 'serverToClient'])).toBe(false)
    const transcript = decode(tampered, keylog)
    // The re-encrypted record still authenticates: nothing but the Finished comparison can notice.
    expect(transcript.errors).toEqual([])
    expect(transcript.finished).toEqual(expected)
    const steps = handshakeSteps({ handshakeCompleted: true, streamEnded: true, transcript })
    expect(steps.map((s) => [s.step, s.status, s.code ?? null])).toEqual([
      ['PROTO', 'pass', null],
      ['HS', 'pass', null],
      ['FIN', 'fail', 'TRANSCRIPT_MISMATCH'],
      ['REC', 'pass', null],
    ])
    expect(steps[2]?.detail).toEqual({ version: tls13 ? 'TLSv1.3' : 'TLSv1.2', finished: expected, detectedBy: 'lab' })
  })

  it('fails FIN with the code the FIN scenarios expect', () => {
    const { leg, keylog } = capture('tls13')
    const transcript = decode(withFlippedFinished(leg, keylog, 'server', true), keylog)
    const fin = handshakeSteps({ handshakeCompleted: true, streamEnded: true, transcript }).find((s) => s.step === 'FIN')
    expect(fin?.code).toBe('TRANSCRIPT_MISMATCH')
    for (const id of ['client-hello-drop-strong-suites', 'client-hello-drop-strong-suites-tls12', 'client-hello-alpn-rewritten']) {
      expect(findScenario(id)?.expect).toMatchObject({ step: 'FIN', code: 'TRANSCRIPT_MISMATCH' })
    }
  })

  it('a handshake that did not complete, with a flipped Finished and no client error: FIN still fails (the lab saw it)', () => {
    const { leg, keylog } = capture('tls12')
    const transcript = decode(withFlippedFinished(leg, keylog, 'server', false), keylog)
    const steps = handshakeSteps({ handshakeCompleted: false, streamEnded: false, transcript })
    // The client sent its Finished after the server's key exchange: it accepted the signature.
    expect(steps.map((s) => [s.step, s.status, s.code ?? null])).toEqual([
      ['PROTO', 'pass', null],
      ['HS', 'pass', null],
      ['FIN', 'fail', 'TRANSCRIPT_MISMATCH'],
      ['REC', 'skip', 'NOT_REACHED'],
    ])
    expect(steps[2]?.detail).toMatchObject({ detectedBy: 'lab' })
  })

  it('without the keys nothing is checked, and FIN does not claim a mismatch', () => {
    const { leg } = capture('tls13')
    const transcript = decode(leg, '')
    expect(transcript.finished).toEqual({ client: 'not-checked', server: 'not-checked' })
    const fin = handshakeSteps({ handshakeCompleted: true, streamEnded: true, transcript }).find((s) => s.step === 'FIN')
    expect(fin).toMatchObject({ status: 'pass', detail: { client: 'not-checked', server: 'not-checked' } })
  })
})
