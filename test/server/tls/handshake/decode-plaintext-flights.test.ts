import { constants } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { uint16List } from '../../../../server/tls/handshake/byte-reader.js'
import { decodeConnection } from '../../../../server/tls/handshake/decode-connection.js'
import { encodeClientKeyShares, encodeClientSupportedVersions, parseClientHelloBody, parseClientKeyShares, serializeClientHelloBody } from '../../../../server/tls/handshake/hello-structure.js'
import { clientMaxVersion } from '../../../../server/tls/handshake/message-fields.js'
import { makeTestPki } from '../support/test-pki.js'
import { runExchange, type ExchangeOutcome } from '../support/tls-exchange.js'

/*
 * What the decoder reads without any keys, on real handshakes: every plaintext message of each
 * side, in capture order. The HS/FIN steps and the handshake view show exactly this list.
 */
describe('decoding the plaintext flights of real handshakes, without keys', () => {
  let tls12: ExchangeOutcome
  let helloRetry: ExchangeOutcome

  beforeAll(async () => {
    // No session ticket: the ServerHelloDone is then the last plaintext handshake message the server sends.
    tls12 = await runExchange({ pki: makeTestPki('rsa'), client: { maxVersion: 'TLSv1.2' }, server: { secureOptions: constants.SSL_OP_NO_TICKET } })
    // The client's only key share is X25519; a server that accepts only P-256 answers with a
    // HelloRetryRequest (RFC 8446 §4.1.4), and OpenSSL's client sends its compatibility
    // ChangeCipherSpec before the second ClientHello (RFC 8446 §D.4).
    helloRetry = await runExchange({ pki: makeTestPki('rsa'), client: { ecdhCurve: 'X25519:P-256' }, server: { ecdhCurve: 'P-256' } })
  })

  it('reads a TLS 1.2 server flight through its empty ServerHelloDone (a 4-byte message ending the record)', () => {
    const leg = tls12.connection.clientLeg()
    const t = decodeConnection({ ...leg, keylog: '' })
    expect(t.serverToClient.map((m) => m.name).slice(0, 4)).toEqual(['ServerHello', 'Certificate', 'ServerKeyExchange', 'ServerHelloDone'])
    expect(t.serverToClient.find((m) => m.name === 'ServerHelloDone')?.length).toBe(0)
    // Each message is exactly as long as its own header says: the first record holds the ServerHello
    // right after the 5-byte record header, its uint24 length at bytes 6..8 (RFC 5246 §7.4).
    const stream = Buffer.from(leg.serverToClient)
    expect(t.serverToClient[0]?.length).toBe(stream.readUIntBE(6, 3))
  })

  it('reads the same four messages when the server coalesces its whole flight into one record (RFC 5246 §6.2.1)', () => {
    const leg = tls12.connection.clientLeg()
    const stream = Buffer.from(leg.serverToClient)
    // OpenSSL sends one record per message; put the first four handshake records' payloads into one.
    const payloads: Buffer[] = []
    let offset = 0
    while (payloads.length < 4) {
      const length = stream.readUInt16BE(offset + 3)
      expect(stream[offset]).toBe(22)
      payloads.push(stream.subarray(offset + 5, offset + 5 + length))
      offset += 5 + length
    }
    const flight = Buffer.concat(payloads)
    const coalesced = Buffer.concat([Buffer.from([22, 0x03, 0x03, flight.length >> 8, flight.length & 0xff]), flight, stream.subarray(offset)])
    const t = decodeConnection({ ...leg, serverToClient: coalesced, keylog: '' })
    // Each message's length is its own header's uint24, read here straight from the bytes.
    expect(t.serverToClient.slice(0, 4).map((m) => [m.name, m.length])).toEqual([
      ['ServerHello', payloads[0]?.readUIntBE(1, 3)],
      ['Certificate', payloads[1]?.readUIntBE(1, 3)],
      ['ServerKeyExchange', payloads[2]?.readUIntBE(1, 3)],
      ['ServerHelloDone', 0],
    ])
  })

  it('reads the second ClientHello after a HelloRetryRequest, past TLS 1.3’s dummy ChangeCipherSpec', () => {
    const t = decodeConnection({ ...helloRetry.connection.clientLeg(), keylog: '' })
    expect(t.clientToServer.map((m) => m.name)).toEqual(['ClientHello', 'ChangeCipherSpec', 'ClientHello'])
    expect(t.serverToClient.map((m) => m.name)).toEqual(['ServerHello', 'ChangeCipherSpec', 'ServerHello'])
  })
})

describe('what the decoder reports besides messages', () => {
  /** One TLS record (RFC 8446 §5.1): type, legacy_record_version 0x0303, uint16 length, fragment. */
  const record = (type: number, fragment: Buffer): Buffer => Buffer.concat([Buffer.from([type, 0x03, 0x03, fragment.length >> 8, fragment.length & 0xff]), fragment])

  it('reads alert levels: the server’s fatal protocol_version in the clear, its close_notify warning under the keys', async () => {
    // A TLS 1.3-only server and a TLS 1.2-only client: the server refuses with a plaintext fatal alert (RFC 8446 §6.2).
    const refused = await runExchange({ pki: makeTestPki('rsa'), client: { maxVersion: 'TLSv1.2' }, server: { minVersion: 'TLSv1.3' } })
    const refusal = decodeConnection({ ...refused.connection.clientLeg(), keylog: '' })
    expect(refusal.alerts).toEqual([{ direction: 'serverToClient', level: 'fatal', description: 'protocol_version', encrypted: false }])
    const accepted = await runExchange({ pki: makeTestPki('rsa') })
    const t13 = decodeConnection({ ...accepted.connection.clientLeg(), keylog: accepted.keylog })
    expect(t13.alerts.filter((alert) => alert.direction === 'serverToClient')).toEqual([{ direction: 'serverToClient', level: 'warning', description: 'close_notify', encrypted: true }])
  })

  it('leaves the summary without an SNI when the ClientHello carries none (a client connecting to an IP address)', async () => {
    const exchange = await runExchange({ pki: makeTestPki('rsa'), client: { servername: '', rejectUnauthorized: false } })
    const t = decodeConnection({ ...exchange.connection.clientLeg(), keylog: exchange.keylog })
    expect(t.version).toBe('TLSv1.3')
    expect(Object.hasOwn(t, 'sni')).toBe(false)
  })

  it('says NO_SERVER_HELLO when protected records follow a ChangeCipherSpec with no ServerHello to say how to read them', async () => {
    const leg = (await runExchange({ pki: makeTestPki('rsa'), client: { maxVersion: 'TLSv1.2' } })).connection.clientLeg()
    const stream = Buffer.from(leg.clientToServer)
    const clientHello = stream.subarray(0, 5 + stream.readUInt16BE(3))
    const clientToServer = Buffer.concat([clientHello, record(20, Buffer.from([1])), record(22, Buffer.alloc(40, 0x5a))])
    const t = decodeConnection({ clientToServer, serverToClient: Buffer.alloc(0), keylog: '' })
    expect(t.errors).toContainEqual({ direction: 'clientToServer', code: 'NO_SERVER_HELLO', message: 'protected records without a decodable ServerHello' })
    // An alert level that is neither warning (1) nor fatal (2) is reported as unknown, not guessed.
    const odd = decodeConnection({ clientToServer: Buffer.concat([clientHello, record(21, Buffer.from([3, 40]))]), serverToClient: Buffer.alloc(0), keylog: '' })
    expect(odd.alerts).toEqual([{ direction: 'clientToServer', level: 'unknown', description: 'handshake_failure', encrypted: false }])
  })
})

describe('uint16List', () => {
  it('splits every uint16 of a vector, the last one included, and ignores an odd trailing byte', () => {
    expect(uint16List(Buffer.from([0x13, 0x01, 0x13, 0x02, 0xc0, 0x2f]))).toEqual([0x1301, 0x1302, 0xc02f])
    expect(uint16List(Buffer.from([0x00, 0x1d, 0x00]))).toEqual([0x001d])
    expect(uint16List(Buffer.alloc(0))).toEqual([])
  })
})

describe('ClientHello fields the decoder and the tamper edits read', () => {
  it('round-trips key shares, the last one included (an X25519 share and an X25519MLKEM768 one)', () => {
    const entries = [
      { group: 0x001d, keyExchange: Buffer.alloc(32, 1) },
      { group: 0x11ec, keyExchange: Buffer.alloc(1216, 2) },
    ]
    expect(parseClientKeyShares(encodeClientKeyShares(entries))).toEqual(entries)
    expect(parseClientKeyShares(encodeClientKeyShares([]))).toEqual([])
  })

  it('takes the highest offered version ignoring GREASE values (RFC 8701: 0x?a?a), as Chromium sends them', async () => {
    const exchange = await runExchange({ pki: makeTestPki('rsa') })
    const stream = Buffer.from(exchange.connection.clientLeg().clientToServer)
    const body = stream.subarray(9, 5 + stream.readUInt16BE(3))
    const hello = parseClientHelloBody(body)
    expect(clientMaxVersion(body)).toBe(0x0304)
    const greased = (versions: number[]): Buffer =>
      serializeClientHelloBody({ ...hello, extensions: hello.extensions.map((e) => (e.type === 43 ? { type: 43, data: encodeClientSupportedVersions(versions) } : e)) })
    expect(clientMaxVersion(greased([0x7a7a, 0x0304, 0x0303]))).toBe(0x0304)
    expect(clientMaxVersion(greased([0xfafa, 0x0303]))).toBe(0x0303)
  })
})
