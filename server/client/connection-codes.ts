/**
 * Failure and skip codes of the connection-level steps the client itself
 * decides (the certificate steps' codes live in server/verifier/codes.ts).
 */
export const CONNECTION_CODES = {
  /** The server negotiated a protocol version below the client's minimum, or offered only such versions. */
  PROTOCOL_VERSION_TOO_OLD: 'PROTOCOL_VERSION_TOO_OLD',
  /** The negotiated cipher suite is outside the client's policy (no AEAD or no forward secrecy). */
  WEAK_CIPHER_SUITE: 'WEAK_CIPHER_SUITE',
  /**
   * The key exchange was classical (ECDH/DH only) under a policy that requires a post-quantum hybrid
   * group such as X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem): traffic recorded today could be
   * decrypted by a future quantum computer.
   */
  CLASSICAL_KEY_EXCHANGE: 'CLASSICAL_KEY_EXCHANGE',
  /** The handshake failed before any certificate was shown (version, cipher or transport). */
  HANDSHAKE_FAILED: 'HANDSHAKE_FAILED',
  /** No certificate was presented, so no certificate step could run. */
  NO_CERTIFICATE: 'NO_CERTIFICATE',
  /** The step needs configuration the client policy does not have (pins, CT logs, OCSP). */
  NOT_CONFIGURED: 'NOT_CONFIGURED',
  /** The step does not apply to this kind of connection. */
  NOT_APPLICABLE: 'NOT_APPLICABLE',
  /** The step is decided elsewhere (the genuine server's fingerprint detector) and was not measured. */
  NOT_MEASURED: 'NOT_MEASURED',
} as const

export type ConnectionCode = keyof typeof CONNECTION_CODES
