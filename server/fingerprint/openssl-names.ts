import { opensslCipherName } from '../tls/client-hello/names.js'

/**
 * How node:tls (OpenSSL 3.5, Node 24) spells the code points a ClientHello carries, for
 * the `ciphers`, `ecdhCurve` and `sigalgs` options. Checked against
 * `tls.createSecureContext` in the tests: OpenSSL accepts RFC 8446 scheme
 * names for modern schemes but only the `ALG+HASH` form for SHA-1/SHA-224/DSA.
 * OpenSSL 3.5 added the ML-KEM hybrid and pure groups (draft-ietf-tls-ecdhe-mlkem,
 * draft-ietf-tls-mlkem) and the ML-DSA schemes (draft-ietf-tls-mldsa).
 */

/** TLS 1.3 suites OpenSSL implements; their OpenSSL name is the IANA name (RFC 8446 §B.4). */
const TLS13_SUITES = new Map<number, string>([
  [0x1301, 'TLS_AES_128_GCM_SHA256'],
  [0x1302, 'TLS_AES_256_GCM_SHA384'],
  [0x1303, 'TLS_CHACHA20_POLY1305_SHA256'],
  [0x1304, 'TLS_AES_128_CCM_SHA256'],
  [0x1305, 'TLS_AES_128_CCM_8_SHA256'],
])

const GROUPS = new Map<number, string>([
  [0x001d, 'X25519'],
  [0x0017, 'P-256'],
  [0x0018, 'P-384'],
  [0x0019, 'P-521'],
  [0x001e, 'X448'],
  [0x001a, 'brainpoolP256r1'],
  [0x001b, 'brainpoolP384r1'],
  [0x001c, 'brainpoolP512r1'],
  [0x0100, 'ffdhe2048'],
  [0x0101, 'ffdhe3072'],
  [0x0102, 'ffdhe4096'],
  [0x0103, 'ffdhe6144'],
  [0x0104, 'ffdhe8192'],
  // Post-quantum hybrids (draft-ietf-tls-ecdhe-mlkem §3, IANA TLS Supported Groups 4587-4589)
  // and pure ML-KEM (draft-ietf-tls-mlkem, 512-514): OpenSSL 3.5's own names.
  [0x11ec, 'X25519MLKEM768'],
  [0x11eb, 'SecP256r1MLKEM768'],
  [0x11ed, 'SecP384r1MLKEM1024'],
  [0x0200, 'MLKEM512'],
  [0x0201, 'MLKEM768'],
  [0x0202, 'MLKEM1024'],
])

const SIGNATURE_SCHEMES = new Map<number, string>([
  [0x0403, 'ecdsa_secp256r1_sha256'],
  [0x0503, 'ecdsa_secp384r1_sha384'],
  [0x0603, 'ecdsa_secp521r1_sha512'],
  [0x0807, 'ed25519'],
  [0x0808, 'ed448'],
  [0x0809, 'rsa_pss_pss_sha256'],
  [0x080a, 'rsa_pss_pss_sha384'],
  [0x080b, 'rsa_pss_pss_sha512'],
  [0x0804, 'rsa_pss_rsae_sha256'],
  [0x0805, 'rsa_pss_rsae_sha384'],
  [0x0806, 'rsa_pss_rsae_sha512'],
  [0x0401, 'rsa_pkcs1_sha256'],
  [0x0501, 'rsa_pkcs1_sha384'],
  [0x0601, 'rsa_pkcs1_sha512'],
  [0x0201, 'RSA+SHA1'],
  [0x0203, 'ECDSA+SHA1'],
  [0x0202, 'DSA+SHA1'],
  [0x0301, 'RSA+SHA224'],
  [0x0303, 'ECDSA+SHA224'],
  [0x0302, 'DSA+SHA224'],
  [0x0402, 'DSA+SHA256'],
  [0x0502, 'DSA+SHA384'],
  [0x0602, 'DSA+SHA512'],
  // ML-DSA (FIPS 204) for TLS 1.3, draft-ietf-tls-mldsa §2, and the TLS 1.3 brainpool
  // schemes (RFC 8734 §2), both offered by OpenSSL 3.5 clients by default.
  [0x0904, 'mldsa44'],
  [0x0905, 'mldsa65'],
  [0x0906, 'mldsa87'],
  [0x081a, 'ecdsa_brainpoolP256r1tls13_sha256'],
  [0x081b, 'ecdsa_brainpoolP384r1tls13_sha384'],
  [0x081c, 'ecdsa_brainpoolP512r1tls13_sha512'],
])

export function isTls13Suite(code: number): boolean {
  return TLS13_SUITES.has(code)
}

/** The name for node:tls `ciphers`, or undefined when OpenSSL cannot offer the suite. */
export function opensslSuiteName(code: number): string | undefined {
  return TLS13_SUITES.get(code) ?? opensslCipherName(code)
}

/** The name for node:tls `ecdhCurve`, or undefined when OpenSSL 3.5 lacks the group (e.g. GREASE, ffdhe of unknown size). */
export function opensslGroupName(code: number): string | undefined {
  return GROUPS.get(code)
}

/** The name for node:tls `sigalgs`, or undefined when OpenSSL 3.5 cannot name the scheme. */
export function opensslSigalgName(code: number): string | undefined {
  return SIGNATURE_SCHEMES.get(code)
}
