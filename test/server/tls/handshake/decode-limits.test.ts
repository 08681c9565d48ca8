import { beforeAll, describe, expect, it } from 'vitest'
import { decodeConnection } from '../../../../server/tls/handshake/decode-connection.js'
import { handshakeMessage, parseServerHelloBody, serializeServerHelloBody } from '../../../../server/tls/handshake/hello-structure.js'
import type { HandshakeTranscript } from '../../../../server/tls/handshake/transcript-types.js'
import { makeTestPki } from '../support/test-pki.js'
import { runExchange } from '../support/tls-exchange.js'
import type { ExchangeOutcome } from '../support/tls-exchange.js'

/*
 * The decoder's bounds and framing, on a real ClientHello re-framed by hand: a handshake message
 * split over two records, the 256 KiB message limit, the 50,000-record limit, and what the summary
 * holds (and does not hold) when the key log lacks the connection. The limits are written out here
 * (server/tls/handshake/direction-decoder.ts MAX_HANDSHAKE_MESSAGE, decode-connection.ts MAX_RECORDS),
 * not imported, so a changed limit fails a test.
 */

/** One TLS record (RFC 8446 §5.1): type, legacy_record_version 0x0303, uint16 length, fragment. */
function record(type: number, fragment: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, 0x03, 0x03, fragment.length >> 8, fragment.length & 0xff]), fragment])
}

/** The payload of the first record of a stream (the ClientHello handshake message, header included). */
function firstRecordPayload(stream: Buffer): Buffer {
  return stream.subarray(5, 5 + stream.readUInt16BE(3))
}

const HANDSHAKE = 22
const SUMMARY_KEYS = ['version', 'cipherSuite', 'keyShareGroup', 'sni', 'alpnOffered', 'alpn', 'signatureScheme', 'certificateCount', 'downgradeSentinel']
/** The summary fields exactly as present (a key holding `undefined` counts as present). */
const summaryOf = (t: HandshakeTranscript): Record<string, unknown> => Object.fromEntries(Object.entries(t).filter(([key]) => SUMMARY_KEYS.includes(key)))

describe('decodeConnection limits and framing', () => {
  let tls13: ExchangeOutcome
  let clientHello: Buffer

  beforeAll(async () => {
    tls13 = await runExchange({ pki: makeTestPki('rsa'), client: { ALPNProtocols: ['h2', 'http/1.1'] }, server: { ALPNProtocols: ['http/1.1'] } })
    clientHello = firstRecordPayload(Buffer.from(tls13.connection.clientLeg().clientToServer))
  })

  it('reassembles a ClientHello split over two records (RFC 8446 §5.1: messages may span records)', () => {
    const split = Buffer.concat([record(HANDSHAKE, clientHello.subarray(0, 100)), record(HANDSHAKE, clientHello.subarray(100))])
    const t = decodeConnection({ clientToServer: split, serverToClient: Buffer.alloc(0), keylog: '' })
    expect(t.errors.map((e) => e.code)).toEqual(['NO_SERVER_HELLO'])
    expect(t.clientToServer.map((m) => [m.name, m.length])).toEqual([['ClientHello', clientHello.length - 4]])
    expect(summaryOf(t)).toStrictEqual({ sni: 'localhost', alpnOffered: ['h2', 'http/1.1'] })
  })

  it('refuses a handshake message claiming 262,145 bytes (one over 256 KiB), and waits for one of exactly 262,144', () => {
    const claiming = (length: number): Buffer =>
      Buffer.concat([record(HANDSHAKE, clientHello), record(HANDSHAKE, Buffer.from([11, length >> 16, (length >> 8) & 0xff, length & 0xff, 0, 0]))])
    const over = decodeConnection({ clientToServer: claiming(262_145), serverToClient: Buffer.alloc(0), keylog: '' })
    expect(over.errors).toEqual([
      { direction: 'clientToServer', code: 'HANDSHAKE_MESSAGE_TOO_LARGE', message: 'Certificate claims 262145 bytes' },
      { code: 'NO_SERVER_HELLO', message: 'no ServerHello was decoded' },
    ])
    const atLimit = decodeConnection({ clientToServer: claiming(262_144), serverToClient: Buffer.alloc(0), keylog: '' })
    expect(atLimit.errors).toEqual([
      { direction: 'clientToServer', code: 'MALFORMED_MESSAGE', message: 'stream ended inside a handshake message (6 bytes)' },
      { code: 'NO_SERVER_HELLO', message: 'no ServerHello was decoded' },
    ])
  })

  it('decodes 50,000 records, and of 50,001 only the first 50,000, starting at the first', () => {
    const stream = (records: number): Buffer => Buffer.concat([record(HANDSHAKE, clientHello), ...Array.from({ length: records - 1 }, () => record(HANDSHAKE, Buffer.alloc(0)))])
    const atLimit = decodeConnection({ clientToServer: stream(50_000), serverToClient: Buffer.alloc(0), keylog: '' })
    expect(atLimit.errors.map((e) => e.code)).toEqual(['NO_SERVER_HELLO'])
    const over = decodeConnection({ clientToServer: stream(50_001), serverToClient: Buffer.alloc(0), keylog: '' })
    expect(over.errors).toEqual([
      { direction: 'clientToServer', code: 'LIMIT_REACHED', message: 'only the first 50000 records were decoded' },
      { code: 'NO_SERVER_HELLO', message: 'no ServerHello was decoded' },
    ])
    expect(over.clientToServer.map((m) => m.name)).toEqual(['ClientHello'])
  })

  it('without the keys, the summary holds only what the plaintext hellos say: no certificate count, ALPN or signature scheme', () => {
    const t = decodeConnection({ ...tls13.connection.clientLeg(), keylog: '' })
    expect(summaryOf(t)).toStrictEqual({
      version: 'TLSv1.3',
      cipherSuite: 'TLS_AES_256_GCM_SHA384',
      // Node 24 (OpenSSL 3.5) negotiates the post-quantum hybrid by default.
      keyShareGroup: 'X25519MLKEM768',
      sni: 'localhost',
      alpnOffered: ['h2', 'http/1.1'],
    })
  })

  it('decodes and verifies a TLS 1.2 DHE-RSA-AES256-GCM-SHA384 handshake (finite-field DHE, SHA-384 PRF)', async () => {
    const out = await runExchange({
      pki: makeTestPki('rsa'),
      client: { maxVersion: 'TLSv1.2', ciphers: 'DHE-RSA-AES256-GCM-SHA384' },
      server: { dhparam: 'auto', ciphers: 'DHE-RSA-AES256-GCM-SHA384' },
    })
    expect(out.cipher).toBe('DHE-RSA-AES256-GCM-SHA384')
    const t = decodeConnection({ ...out.connection.clientLeg(), keylog: out.keylog })
    expect(t.errors).toEqual([])
    expect(t.cipherSuite).toBe('TLS_DHE_RSA_WITH_AES_256_GCM_SHA384')
    expect(t.finished).toEqual({ client: 'verified', server: 'verified' })
    expect(t.totals.serverToClient).toMatchObject({ applicationRecords: 1, closeNotify: true })
  })
})

describe('decodeConnection on a TLS 1.2-only client (no supported_versions extension)', () => {
  let tls12: ExchangeOutcome
  let tls13Keylog: string

  beforeAll(async () => {
    const pki = makeTestPki('rsa')
    tls12 = await runExchange({ pki, client: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' } })
    tls13Keylog = (await runExchange({ pki })).keylog
  })

  it('flags DOWNGRD\\x00 in a TLS 1.1 ServerHello to a client whose maximum is TLS 1.2, read from its legacy_version (RFC 8446 §4.1.3)', () => {
    const leg = tls12.connection.clientLeg()
    const clientHello = firstRecordPayload(Buffer.from(leg.clientToServer))
    const serverHello = parseServerHelloBody(firstRecordPayload(Buffer.from(leg.serverToClient)).subarray(4))
    // The TLS 1.1-or-below sentinel in the last 8 bytes of ServerHello.random, and TLS 1.1 chosen.
    const random = Buffer.concat([serverHello.random.subarray(0, 24), Buffer.from('444f574e47524400', 'hex')])
    const edited = handshakeMessage(2, serializeServerHelloBody({ ...serverHello, legacyVersion: 0x0302, random }))
    const t = decodeConnection({ clientToServer: record(HANDSHAKE, clientHello), serverToClient: record(HANDSHAKE, edited), keylog: '' })
    expect(t.serverToClient[0]?.fields).toMatchObject({ selectedVersion: 'TLSv1.1', downgradeSentinel: 'TLS11_OR_BELOW', downgradeDetected: true })
    expect(t.downgradeSentinel).toBe('TLS11_OR_BELOW')
  })

  it('records NO_KEYS for a TLS 1.2 capture whose master secret is not in the key log, and checks no Finished', () => {
    const t = decodeConnection({ ...tls12.connection.clientLeg(), keylog: tls13Keylog })
    expect(t.errors.map((e) => [e.direction, e.code, e.message])).toEqual([
      ['serverToClient', 'NO_KEYS', 'no CLIENT_RANDOM master secret in the key log'],
      ['clientToServer', 'NO_KEYS', 'no CLIENT_RANDOM master secret in the key log'],
    ])
    expect(t.finished).toEqual({ client: 'not-checked', server: 'not-checked' })
    expect(t.clientToServer.map((m) => m.name)).toEqual(['ClientHello', 'ClientKeyExchange', 'ChangeCipherSpec'])
  })
})
