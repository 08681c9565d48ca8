/**
 * What the lab reads from a TLS ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2).
 *
 * Every list keeps wire order and keeps GREASE values (RFC 8701): fingerprints
 * (JA3, JA4) and the interception detector decide themselves whether to drop
 * them, using `isGrease`. `hasGrease` says per list whether any were present,
 * which is itself a fingerprint trait (Chromium sends GREASE, OpenSSL does not).
 */
export interface ClientHello {
  /** legacy_record_version of the first record carrying the hello (0x0301 for most clients). */
  recordVersion: number
  /** legacy_version (0x0303 for TLS 1.2 and 1.3 clients, RFC 8446 §4.1.2). */
  legacyVersion: number
  /** The 32-byte random, lower-case hex. */
  random: string
  /** legacy_session_id length: 32 for TLS 1.3 middlebox-compat clients, 0 otherwise. */
  sessionIdLength: number
  /** cipher_suites in offered order, GREASE included. */
  cipherSuites: number[]
  compressionMethods: number[]
  /** Every extension in wire order, with the length of its data. */
  extensions: ClientHelloExtension[]
  /** server_name host_name (RFC 6066 §3), or null when absent. */
  sni: string | null
  /** ALPN protocol names (RFC 7301 §3.1), each byte one char (latin1), in offered order. */
  alpn: string[]
  /** supported_versions (RFC 8446 §4.2.1); empty when the extension is absent. */
  supportedVersions: number[]
  /** supported_groups (RFC 8446 §4.2.7, formerly elliptic_curves). */
  supportedGroups: number[]
  /** signature_algorithms (RFC 8446 §4.2.3). */
  signatureAlgorithms: number[]
  /** ec_point_formats (RFC 8422 §5.1.2). */
  ecPointFormats: number[]
  /** Groups of the key_share entries (RFC 8446 §4.2.8), in order. */
  keyShareGroups: number[]
  /** psk_key_exchange_modes (RFC 8446 §4.2.9). */
  pskModes: number[]
  /** renegotiation_info extension present (RFC 5746 §3.2). */
  hasRenegotiationInfo: boolean
  /** early_data extension present (RFC 8446 §4.2.10). */
  hasEarlyData: boolean
  /** Whether each list contained any GREASE value (RFC 8701). */
  hasGrease: GreasePresence
  /** Length of the ClientHello handshake body (without the 4-byte handshake header). */
  handshakeLength: number
  /** How many TLS records the hello spanned (usually 1). */
  recordCount: number
}

export interface ClientHelloExtension {
  type: number
  /** Length of extension_data in bytes. */
  length: number
}

export interface GreasePresence {
  cipherSuites: boolean
  extensions: boolean
  supportedGroups: boolean
  supportedVersions: boolean
  signatureAlgorithms: boolean
  keyShareGroups: boolean
  alpn: boolean
}

/** Why bytes are not a ClientHello; each code states a fact. */
export type ClientHelloErrorCode =
  /** The first byte is not a TLS record content type (e.g. plain HTTP, SSLv2). */
  | 'NOT_TLS'
  /** A TLS record, but not a handshake record carrying a ClientHello. */
  | 'NOT_HANDSHAKE'
  /** The peer closed the connection before a whole ClientHello arrived. */
  | 'TRUNCATED'
  /** A length, count or value that breaks the RFC 8446 wire format. */
  | 'MALFORMED'
  /** A record or the hello is larger than the lab accepts (RFC 8446 §5.1: 2^14). */
  | 'TOO_LARGE'
  /** No whole ClientHello within the reader's time budget. */
  | 'TIMEOUT'
  /** The socket failed while the hello was being read. */
  | 'SOCKET_ERROR'

export type ClientHelloParse =
  | { ok: true; hello: ClientHello; /** Bytes up to the end of the last record carrying the hello. */ consumedBytes: number }
  | { ok: false; code: ClientHelloErrorCode; message: string }
  /** The bytes so far are a valid prefix; read at least `needBytes` more and parse again. */
  | { ok: false; code: 'INCOMPLETE'; needBytes: number; message: string }
