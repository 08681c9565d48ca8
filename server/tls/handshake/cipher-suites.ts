/**
 * The AEAD cipher suites the lab can decrypt (IANA TLS Cipher Suites registry).
 * TLS 1.3 suites per RFC 8446 §B.4; TLS 1.2 ECDHE suites per RFC 5289 (GCM)
 * and RFC 7905 (ChaCha20-Poly1305). CBC suites are named but not decrypted.
 */
export type AeadAlgorithm = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305'
export type HashName = 'sha256' | 'sha384'

export interface AeadSuite {
  id: number
  name: string
  tls13: boolean
  aead: AeadAlgorithm
  keyLength: number
  hash: HashName
}

const SUITES: readonly AeadSuite[] = [
  { id: 0x1301, name: 'TLS_AES_128_GCM_SHA256', tls13: true, aead: 'aes-128-gcm', keyLength: 16, hash: 'sha256' },
  { id: 0x1302, name: 'TLS_AES_256_GCM_SHA384', tls13: true, aead: 'aes-256-gcm', keyLength: 32, hash: 'sha384' },
  { id: 0x1303, name: 'TLS_CHACHA20_POLY1305_SHA256', tls13: true, aead: 'chacha20-poly1305', keyLength: 32, hash: 'sha256' },
  { id: 0xc02b, name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', tls13: false, aead: 'aes-128-gcm', keyLength: 16, hash: 'sha256' },
  { id: 0xc02c, name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', tls13: false, aead: 'aes-256-gcm', keyLength: 32, hash: 'sha384' },
  { id: 0xc02f, name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', tls13: false, aead: 'aes-128-gcm', keyLength: 16, hash: 'sha256' },
  { id: 0xc030, name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', tls13: false, aead: 'aes-256-gcm', keyLength: 32, hash: 'sha384' },
  { id: 0xcca8, name: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', tls13: false, aead: 'chacha20-poly1305', keyLength: 32, hash: 'sha256' },
  { id: 0xcca9, name: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', tls13: false, aead: 'chacha20-poly1305', keyLength: 32, hash: 'sha256' },
  { id: 0x009e, name: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', tls13: false, aead: 'aes-128-gcm', keyLength: 16, hash: 'sha256' },
  { id: 0x009f, name: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', tls13: false, aead: 'aes-256-gcm', keyLength: 32, hash: 'sha384' },
]

/** Names for common non-AEAD suites, so a transcript can still say what was offered. */
const OTHER_NAMES: Readonly<Record<number, string>> = {
  0xc009: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  0xc00a: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  0xc013: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  0xc014: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  0x009c: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
  0x009d: 'TLS_RSA_WITH_AES_256_GCM_SHA384',
  0x002f: 'TLS_RSA_WITH_AES_128_CBC_SHA',
  0x0035: 'TLS_RSA_WITH_AES_256_CBC_SHA',
  0x00ff: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
  0x5600: 'TLS_FALLBACK_SCSV',
}

export function aeadSuite(id: number): AeadSuite | undefined {
  return SUITES.find((suite) => suite.id === id)
}

export function cipherSuiteName(id: number): string {
  return aeadSuite(id)?.name ?? OTHER_NAMES[id] ?? `0x${id.toString(16).padStart(4, '0')}`
}

/** The AEAD nonce / IV length: 12 for TLS 1.3 and ChaCha20; TLS 1.2 GCM uses a 4-byte implicit salt (RFC 5288 §3). */
export function fixedIvLength(suite: AeadSuite): number {
  return suite.tls13 || suite.aead === 'chacha20-poly1305' ? 12 : 4
}

export function hashLength(hash: HashName): number {
  return hash === 'sha256' ? 32 : 48
}
