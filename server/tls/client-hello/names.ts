import { CIPHER_SUITE_TABLE } from './cipher-suite-table.js'
import { isGrease } from './grease.js'

/**
 * IANA names for the code points a ClientHello carries, for display. Source:
 * IANA "Transport Layer Security (TLS) Parameters" and "TLS Extensions"
 * registries; cipher suites come from OpenSSL's own table (cipher-suite-table.ts).
 * Unknown values render as hex, GREASE (RFC 8701) as `GREASE (0x?a?a)`.
 */

/**
 * Suites this OpenSSL build omits from `ALL` but hellos carry: TLS 1.3 CCM (RFC 8446 §B.4),
 * the SCSVs (RFC 5746, RFC 7507), and the broken legacy suites a downgrade report must name
 * (RC4: RFC 7465; DES, 3DES, EXPORT: IANA registry, not compiled into OpenSSL 3 by default).
 */
const EXTRA_CIPHER_SUITES: ReadonlyArray<readonly [number, string]> = [
  [0x0003, 'TLS_RSA_EXPORT_WITH_RC4_40_MD5'],
  [0x0004, 'TLS_RSA_WITH_RC4_128_MD5'],
  [0x0005, 'TLS_RSA_WITH_RC4_128_SHA'],
  [0x0008, 'TLS_RSA_EXPORT_WITH_DES40_CBC_SHA'],
  [0x0009, 'TLS_RSA_WITH_DES_CBC_SHA'],
  [0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0x0016, 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc007, 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA'],
  [0xc008, 'TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA'],
  [0xc011, 'TLS_ECDHE_RSA_WITH_RC4_128_SHA'],
  [0xc012, 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA'],
  [0x1304, 'TLS_AES_128_CCM_SHA256'],
  [0x1305, 'TLS_AES_128_CCM_8_SHA256'],
  [0x00ff, 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV'],
  [0x5600, 'TLS_FALLBACK_SCSV'],
]

const CIPHER_SUITE_NAMES = new Map<number, string>([
  ...CIPHER_SUITE_TABLE.map(([code, iana]) => [code, iana] as const),
  ...EXTRA_CIPHER_SUITES,
])

/** OpenSSL's name for an IANA suite (TLS 1.3 suites keep their IANA name). */
const OPENSSL_CIPHER_NAMES = new Map<number, string>(CIPHER_SUITE_TABLE.map(([code, , openssl]) => [code, openssl]))

const GROUP_NAMES = new Map<number, string>([
  [0x0017, 'secp256r1'],
  [0x0018, 'secp384r1'],
  [0x0019, 'secp521r1'],
  [0x001d, 'x25519'],
  [0x001e, 'x448'],
  [0x001a, 'brainpoolP256r1'],
  [0x001b, 'brainpoolP384r1'],
  [0x001c, 'brainpoolP512r1'],
  [0x0100, 'ffdhe2048'],
  [0x0101, 'ffdhe3072'],
  [0x0102, 'ffdhe4096'],
  [0x0103, 'ffdhe6144'],
  [0x0104, 'ffdhe8192'],
  [0x11ec, 'X25519MLKEM768'],
  [0x11eb, 'SecP256r1MLKEM768'],
  [0x11ed, 'SecP384r1MLKEM1024'],
  [0x0200, 'MLKEM512'],
  [0x0201, 'MLKEM768'],
  [0x0202, 'MLKEM1024'],
  [0x6399, 'X25519Kyber768Draft00'],
])

const VERSION_NAMES = new Map<number, string>([
  [0x0300, 'SSL 3.0'],
  [0x0301, 'TLS 1.0'],
  [0x0302, 'TLS 1.1'],
  [0x0303, 'TLS 1.2'],
  [0x0304, 'TLS 1.3'],
])

const EXTENSION_NAMES = new Map<number, string>([
  [0, 'server_name'],
  [1, 'max_fragment_length'],
  [5, 'status_request'],
  [10, 'supported_groups'],
  [11, 'ec_point_formats'],
  [13, 'signature_algorithms'],
  [14, 'use_srtp'],
  [15, 'heartbeat'],
  [16, 'application_layer_protocol_negotiation'],
  [17, 'status_request_v2'],
  [18, 'signed_certificate_timestamp'],
  [21, 'padding'],
  [22, 'encrypt_then_mac'],
  [23, 'extended_master_secret'],
  [27, 'compress_certificate'],
  [28, 'record_size_limit'],
  [34, 'delegated_credentials'],
  [35, 'session_ticket'],
  [41, 'pre_shared_key'],
  [42, 'early_data'],
  [43, 'supported_versions'],
  [44, 'cookie'],
  [45, 'psk_key_exchange_modes'],
  [47, 'certificate_authorities'],
  [48, 'oid_filters'],
  [49, 'post_handshake_auth'],
  [50, 'signature_algorithms_cert'],
  [51, 'key_share'],
  [57, 'quic_transport_parameters'],
  [0x4469, 'application_settings'],
  [0x44cd, 'application_settings_new'],
  [0xfe0d, 'encrypted_client_hello'],
  [0xff01, 'renegotiation_info'],
])

const SIGNATURE_SCHEME_NAMES = new Map<number, string>([
  [0x0201, 'rsa_pkcs1_sha1'],
  [0x0203, 'ecdsa_sha1'],
  [0x0301, 'sha224_rsa'],
  [0x0303, 'sha224_ecdsa'],
  [0x0302, 'sha224_dsa'],
  [0x0202, 'sha1_dsa'],
  [0x0402, 'sha256_dsa'],
  [0x0502, 'sha384_dsa'],
  [0x0602, 'sha512_dsa'],
  [0x0401, 'rsa_pkcs1_sha256'],
  [0x0501, 'rsa_pkcs1_sha384'],
  [0x0601, 'rsa_pkcs1_sha512'],
  [0x0403, 'ecdsa_secp256r1_sha256'],
  [0x0503, 'ecdsa_secp384r1_sha384'],
  [0x0603, 'ecdsa_secp521r1_sha512'],
  [0x0804, 'rsa_pss_rsae_sha256'],
  [0x0805, 'rsa_pss_rsae_sha384'],
  [0x0806, 'rsa_pss_rsae_sha512'],
  [0x0807, 'ed25519'],
  [0x0808, 'ed448'],
  [0x0809, 'rsa_pss_pss_sha256'],
  [0x080a, 'rsa_pss_pss_sha384'],
  [0x080b, 'rsa_pss_pss_sha512'],
  [0x081a, 'ecdsa_brainpoolP256r1tls13_sha256'],
  [0x081b, 'ecdsa_brainpoolP384r1tls13_sha384'],
  [0x081c, 'ecdsa_brainpoolP512r1tls13_sha512'],
])

/** `0x1301` style hex with four digits. */
export function hex4(value: number): string {
  return `0x${value.toString(16).padStart(4, '0')}`
}

function nameFrom(table: ReadonlyMap<number, string>, value: number): string {
  if (isGrease(value)) return `GREASE (${hex4(value)})`
  return table.get(value) ?? `unknown (${hex4(value)})`
}

export const cipherSuiteName = (code: number): string => nameFrom(CIPHER_SUITE_NAMES, code)
export const groupName = (code: number): string => nameFrom(GROUP_NAMES, code)
export const versionName = (code: number): string => nameFrom(VERSION_NAMES, code)
export const extensionName = (code: number): string => nameFrom(EXTENSION_NAMES, code)
export const signatureSchemeName = (code: number): string => nameFrom(SIGNATURE_SCHEME_NAMES, code)

/** The OpenSSL cipher name node:tls accepts in `ciphers`, or undefined when OpenSSL has none (SCSVs, GREASE). */
export function opensslCipherName(code: number): string | undefined {
  return OPENSSL_CIPHER_NAMES.get(code)
}
