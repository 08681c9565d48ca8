import { beforeAll, describe, expect, it } from 'vitest'
import { decodeConnection } from '../../../../server/tls/handshake/decode-connection.js'
import type { HandshakeTranscript } from '../../../../server/tls/handshake/transcript-types.js'
import { makeTestPki } from '../support/test-pki.js'
import type { TestPki } from '../support/test-pki.js'
import { runExchange } from '../support/tls-exchange.js'
import type { ExchangeOutcome } from '../support/tls-exchange.js'

/** The offset of the first application_data (23) record in a TLS record stream (RFC 8446 §5.1). */
function firstProtectedRecordOffset(stream: Buffer): number {
  let offset = 0
  while (offset + 5 <= stream.length) {
    if (stream[offset] === 23) return offset
    offset += 5 + stream.readUInt16BE(offset + 3)
  }
  throw new Error('no protected record in the capture')
}

const sequence = (t: HandshakeTranscript): string[] =>
  t.messages.map((m) => `${m.direction === 'clientToServer' ? 'C' : 'S'} ${m.name}${m.encrypted ? ' (encrypted)' : ''}`)

describe('decodeConnection on real Node connections captured by a relay', () => {
  let tls13: ExchangeOutcome
  let tls12: ExchangeOutcome
  const pkis: Partial<Record<'rsa' | 'ec', TestPki>> = {}
  const pkiOf = (keyType: 'rsa' | 'ec'): TestPki => (pkis[keyType] ??= makeTestPki(keyType))

  beforeAll(async () => {
    const pki = pkiOf('rsa')
    const alpn = { ALPNProtocols: ['h2', 'http/1.1'] }
    tls13 = await runExchange({ pki, client: alpn, server: { ALPNProtocols: ['http/1.1'] } })
    tls12 = await runExchange({ pki, client: { ...alpn, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }, server: { ALPNProtocols: ['http/1.1'] } })
  })

  it('lists exactly the TLS 1.3 messages, decrypting EncryptedExtensions, Certificate, CertificateVerify and both Finished', () => {
    const t = decodeConnection({ ...tls13.connection.clientLeg(), keylog: tls13.keylog })
    expect(t.errors).toEqual([])
    expect(sequence(t)).toEqual([
      'C ClientHello',
      'S ServerHello',
      'S ChangeCipherSpec',
      'S EncryptedExtensions (encrypted)',
      'S Certificate (encrypted)',
      'S CertificateVerify (encrypted)',
      'S Finished (encrypted)',
      'C ChangeCipherSpec',
      'C Finished (encrypted)',
      'S NewSessionTicket (encrypted)',
      'S NewSessionTicket (encrypted)',
    ])
    expect(t).toMatchObject({
      version: 'TLSv1.3',
      cipherSuite: 'TLS_AES_256_GCM_SHA384',
      // Node 24 (OpenSSL 3.5) negotiates the post-quantum hybrid by default.
      keyShareGroup: 'X25519MLKEM768',
      sni: 'localhost',
      alpnOffered: ['h2', 'http/1.1'],
      alpn: 'http/1.1',
      signatureScheme: 'rsa_pss_rsae_sha256',
      certificateCount: 1,
      finished: { client: 'verified', server: 'verified' },
    })
    expect(t.downgradeSentinel).toBeUndefined()
    expect(t.totals.clientToServer).toEqual({ applicationRecords: 1, applicationBytes: 4, closeNotify: true, undecodedRecords: 0 })
    expect(t.totals.serverToClient).toMatchObject({ applicationRecords: 1, applicationBytes: 4, closeNotify: true })
  })

  it('lists exactly the TLS 1.2 ECDHE-RSA-AES128-GCM messages, decrypting both Finished with the master secret', () => {
    const t = decodeConnection({ ...tls12.connection.clientLeg(), keylog: tls12.keylog })
    expect(t.errors).toEqual([])
    expect(sequence(t)).toEqual([
      'C ClientHello',
      'S ServerHello',
      'S Certificate',
      'S ServerKeyExchange',
      'S ServerHelloDone',
      'C ClientKeyExchange',
      'C ChangeCipherSpec',
      'C Finished (encrypted)',
      'S NewSessionTicket',
      'S ChangeCipherSpec',
      'S Finished (encrypted)',
    ])
    expect(t).toMatchObject({
      version: 'TLSv1.2',
      cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      keyShareGroup: 'x25519',
      alpn: 'http/1.1',
      certificateCount: 1,
      finished: { client: 'verified', server: 'verified' },
    })
    const ske = t.serverToClient.find((m) => m.name === 'ServerKeyExchange')
    expect(ske?.fields).toMatchObject({ curve: 'x25519', signatureScheme: 'rsa_pss_rsae_sha256', publicKeyLength: 32 })
  })

  it('shows the TLS 1.3 server sentinel in a TLS 1.2 ServerHello to a TLS 1.2-only client, without flagging a downgrade', () => {
    const t = decodeConnection({ ...tls12.connection.clientLeg(), keylog: tls12.keylog })
    const hello = t.serverToClient.find((m) => m.name === 'ServerHello')
    expect(t.downgradeSentinel).toBe('TLS12')
    expect(hello?.fields['downgradeDetected']).toBeUndefined()
  })

  it('records NO_KEYS and still lists the plaintext messages when the key log lacks the connection', () => {
    const t = decodeConnection({ ...tls13.connection.clientLeg(), keylog: tls12.keylog })
    expect(t.errors.map((e) => e.code)).toEqual(['NO_KEYS', 'NO_KEYS'])
    expect(sequence(t)).toEqual(['C ClientHello', 'S ServerHello', 'S ChangeCipherSpec', 'C ChangeCipherSpec'])
    expect(t.finished).toEqual({ client: 'not-checked', server: 'not-checked' })
  })

  it('records TRUNCATED_RECORD when the capture stops inside the Certificate record', () => {
    const leg = tls12.connection.clientLeg()
    const t = decodeConnection({ clientToServer: leg.clientToServer, serverToClient: leg.serverToClient.subarray(0, 300), keylog: tls12.keylog })
    expect(t.errors).toContainEqual(expect.objectContaining({ direction: 'serverToClient', code: 'TRUNCATED_RECORD' }))
    expect(sequence(t).slice(0, 2)).toEqual(['C ClientHello', 'S ServerHello'])
  })

  it('records DECRYPT_FAILED and stops that direction when a protected handshake record was altered', () => {
    const leg = tls13.connection.clientLeg()
    const altered = Buffer.from(leg.serverToClient)
    // A byte inside the first protected record (after ServerHello and the compatibility CCS, whose
    // sizes depend on the key share: 1,120 bytes for X25519MLKEM768).
    const at = firstProtectedRecordOffset(altered) + 10
    altered[at] = (altered[at] ?? 0) ^ 0x80
    const t = decodeConnection({ clientToServer: leg.clientToServer, serverToClient: altered, keylog: tls13.keylog })
    expect(t.errors).toContainEqual(expect.objectContaining({ direction: 'serverToClient', code: 'DECRYPT_FAILED' }))
    expect(t.serverToClient.some((m) => m.name === 'CertificateVerify')).toBe(false)
  })

  it('records NO_CLIENT_HELLO for empty captures', () => {
    const t = decodeConnection({ clientToServer: Buffer.alloc(0), serverToClient: Buffer.alloc(0), keylog: '' })
    expect(t.errors.map((e) => e.code)).toEqual(['NO_CLIENT_HELLO'])
    expect(t.messages).toEqual([])
  })

  it('decodes a HelloRetryRequest handshake: both ClientHellos, both Finished verified over message_hash', async () => {
    const out = await runExchange({ pki: pkiOf('rsa'), client: { ecdhCurve: 'P-256:X25519' }, server: { ecdhCurve: 'X25519' } })
    const t = decodeConnection({ ...out.connection.clientLeg(), keylog: out.keylog })
    expect(t.errors).toEqual([])
    expect(sequence(t).slice(0, 7)).toEqual([
      'C ClientHello',
      'S ServerHello',
      'S ChangeCipherSpec',
      'C ChangeCipherSpec',
      'C ClientHello',
      'S ServerHello',
      'S EncryptedExtensions (encrypted)',
    ])
    expect(t.serverToClient[0]?.fields['helloRetryRequest']).toBe(true)
    expect(t).toMatchObject({ keyShareGroup: 'x25519', finished: { client: 'verified', server: 'verified' } })
  })

  it.each([
    ['TLS 1.3 ChaCha20-Poly1305', 'rsa', { ciphers: 'TLS_CHACHA20_POLY1305_SHA256' }, 'TLS_CHACHA20_POLY1305_SHA256'],
    ['TLS 1.3 AES-128-GCM', 'rsa', { ciphers: 'TLS_AES_128_GCM_SHA256' }, 'TLS_AES_128_GCM_SHA256'],
    ['TLS 1.2 ECDHE-ECDSA ChaCha20-Poly1305', 'ec', { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-CHACHA20-POLY1305' }, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
    ['TLS 1.2 ECDHE-ECDSA AES-256-GCM (SHA-384 PRF)', 'ec', { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' }, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
  ] as const)('decrypts and verifies both Finished under %s', async (_name, keyType, client, suite) => {
    const out = await runExchange({ pki: pkiOf(keyType), client: { ...client } })
    const t = decodeConnection({ ...out.connection.clientLeg(), keylog: out.keylog })
    expect(t.errors).toEqual([])
    expect(t.cipherSuite).toBe(suite)
    expect(t.finished).toEqual({ client: 'verified', server: 'verified' })
    expect(t.totals.serverToClient).toMatchObject({ applicationRecords: 1, closeNotify: true })
  })
})
