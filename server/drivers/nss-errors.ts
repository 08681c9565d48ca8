import type { ErrorRow } from './error-table.js'

/**
 * NSS's error names (lib/util/secerr.h SEC_ERROR_*, lib/ssl/sslerr.h
 * SSL_ERROR_*), shared by the two NSS clients: tstclnt, whose
 * CERT_VerifyCert is NSS's classic verifier (lib/certhigh/certvfy.c), and
 * Firefox, whose mozilla::pkix (security/nss/lib/mozpkix, called from
 * security/certverifier/CertVerifier.cpp) reports most failures with the same
 * SEC_ERROR_* names and adds MOZILLA_PKIX_ERROR_* (mozpkix/pkixnss.h). A name
 * is matched whole, so SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE is never read as
 * SEC_ERROR_EXPIRED_CERTIFICATE. Names whose cause is not one step (e.g.
 * SEC_ERROR_BAD_DER, SEC_ERROR_LIBRARY_FAILURE) are left out: kept verbatim.
 */
export const NSS_ERROR_ROWS: readonly ErrorRow[] = [
  // Trust anchor (RFC 5280 §6.1). NSS's classic path says UNTRUSTED_ISSUER for a self-signed leaf it holds no trust for.
  { pattern: nssName('SEC_ERROR_UNKNOWN_ISSUER', 'SEC_ERROR_UNTRUSTED_ISSUER', 'SEC_ERROR_UNTRUSTED_CERT'), step: 'TRUST' },
  { pattern: nssName('MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT', 'MOZILLA_PKIX_ERROR_MITM_DETECTED'), step: 'TRUST' },
  // SEC_ERROR_BAD_SIGNATURE is not here: NSS says it both for a certificate's signature and for the server's
  // handshake signature (lib/ssl/ssl3con.c ssl3_VerifySignedHashes). Only a client that names the phase maps it.
  // Validity periods (RFC 5280 §4.1.2.5).
  {
    pattern: nssName(
      'SEC_ERROR_EXPIRED_CERTIFICATE',
      'SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE',
      'MOZILLA_PKIX_ERROR_NOT_YET_VALID_CERTIFICATE',
      'MOZILLA_PKIX_ERROR_NOT_YET_VALID_ISSUER_CERTIFICATE',
    ),
    step: 'DATES',
  },
  // The name (RFC 6125 §6): ssl/sslauth.c SSL_AuthCertificate → CERT_VerifyCertName, Firefox's CheckCertHostname.
  { pattern: nssName('SSL_ERROR_BAD_CERT_DOMAIN'), step: 'HOST' },
  // Basic constraints (RFC 5280 §4.2.1.9): an issuer that is not a CA, or a CA certificate as the server's.
  // A v1 certificate has no basicConstraints to say it is a CA (mozilla::pkix refuses it as an issuer).
  {
    pattern: nssName('SEC_ERROR_CA_CERT_INVALID', 'MOZILLA_PKIX_ERROR_CA_CERT_USED_AS_END_ENTITY', 'MOZILLA_PKIX_ERROR_V1_CERT_USED_AS_CA'),
    step: 'BC',
  },
  { pattern: nssName('SEC_ERROR_PATH_LEN_CONSTRAINT_INVALID'), step: 'PATHLEN' },
  // Key usage (§4.2.1.3); NSS reports an EKU without serverAuth (§4.2.1.12) as an inadequate cert type.
  { pattern: nssName('SEC_ERROR_INADEQUATE_KEY_USAGE'), step: 'KU' },
  { pattern: nssName('SEC_ERROR_INADEQUATE_CERT_TYPE'), step: 'EKU' },
  { pattern: nssName('SEC_ERROR_CERT_NOT_IN_NAME_SPACE'), step: 'NC' },
  // Algorithm and key-size policy.
  {
    pattern: nssName(
      'SEC_ERROR_CERT_SIGNATURE_ALGORITHM_DISABLED',
      'MOZILLA_PKIX_ERROR_INADEQUATE_KEY_SIZE',
      'SSL_ERROR_WEAK_SERVER_CERT_KEY',
      'SEC_ERROR_UNSUPPORTED_ELLIPTIC_CURVE',
    ),
    step: 'ALG',
  },
  // Format: an unknown critical extension (§4.2), a v1/v2 certificate carrying extensions, an unsupported version.
  {
    pattern: nssName(
      'SEC_ERROR_UNKNOWN_CRITICAL_EXTENSION',
      'SEC_ERROR_EXTENSION_VALUE_INVALID',
      'MOZILLA_PKIX_ERROR_INVALID_INTEGER_ENCODING',
      'MOZILLA_PKIX_ERROR_EMPTY_ISSUER_NAME',
    ),
    step: 'CRIT',
  },
  // Revocation (OCSP, stapling, CRLite).
  { pattern: nssName('SEC_ERROR_REVOKED_CERTIFICATE', 'SEC_ERROR_REVOKED_KEY'), step: 'REV' },
  // RFC 7633 must-staple (TLS feature status_request) with no staple: mozilla::pkix's own name.
  { pattern: nssName('MOZILLA_PKIX_ERROR_REQUIRED_TLS_FEATURE_MISSING'), step: 'REV' },
  { pattern: /\bSEC_ERROR_OCSP_[A-Z_]+\b|\bMOZILLA_PKIX_ERROR_OCSP_RESPONSE_FOR_CERT_MISSING\b/, step: 'REV' },
  { pattern: nssName('MOZILLA_PKIX_ERROR_KEY_PINNING_FAILURE'), step: 'PIN' },
  // Certificate Transparency, when a policy requires it.
  { pattern: nssName('MOZILLA_PKIX_ERROR_INSUFFICIENT_CERTIFICATE_TRANSPARENCY'), step: 'CT' },
  // RFC 8446 §4.1.3 downgrade sentinel, RFC 7507 fallback SCSV, and no version or cipher in common.
  {
    pattern: nssName(
      'SSL_ERROR_INAPPROPRIATE_FALLBACK_ALERT',
      'SSL_ERROR_UNSUPPORTED_VERSION',
      'SSL_ERROR_PROTOCOL_VERSION_ALERT',
      'SSL_ERROR_NO_CYPHER_OVERLAP',
    ),
    step: 'PROTO',
  },
  // A record whose MAC or AEAD tag does not verify (RFC 8446 §5.2).
  { pattern: nssName('SSL_ERROR_BAD_MAC_READ', 'SSL_ERROR_BAD_MAC_ALERT'), step: 'REC' },
  // The peer's Finished does not match the transcript (RFC 8446 §4.4.4).
  { pattern: nssName('SSL_ERROR_BAD_HANDSHAKE_HASH_VALUE'), step: 'FIN' },
  // A message or record the handshake state does not allow (a ChangeCipherSpec too early, a heartbeat record): the
  // lab's own victim files this unexpected_message under HS (server/tls/engine/engine-connection.ts).
  {
    pattern: /\bSSL_ERROR_RX_UNEXPECTED_[A-Z_]+\b|\bSSL_ERROR_RX_MALFORMED_CHANGE_CIPHER\b/,
    step: 'HS',
  },
]

/**
 * Left unmapped on purpose (ambiguous): SSL_ERROR_RX_MALFORMED_SERVER_HELLO is
 * how NSS reports the RFC 8446 §4.1.3 downgrade sentinel (lib/ssl/ssl3con.c
 * ssl3_HandleServerHello), but also any unparsable ServerHello.
 * SEC_ERROR_BAD_DER is what mozilla::pkix says for a malformed presented name
 * (a dNSName with a NUL, a partial or nested wildcard, a trailing dot, an IP in
 * a dNSName: pkixnames.cpp) but equally for any undecodable field of any
 * certificate on the path; SEC_ERROR_LIBRARY_FAILURE and the NS_ERROR_NET_*
 * network results name no step.
 */

/** A pattern matching any of the given NSS names as a whole word. */
function nssName(...names: string[]): RegExp {
  return new RegExp(`\\b(${names.join('|')})\\b`)
}
