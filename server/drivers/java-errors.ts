import type { ErrorTable } from './error-table.js'

/**
 * Java's words (OpenJDK 17: sun.security.ssl, sun.security.provider.certpath,
 * sun.security.util.HostnameChecker). The driver's raw error is the exception
 * chain, outermost first — `javax.net.ssl.SSLHandshakeException: PKIX path
 * validation failed: … | caused by java.security.cert.CertPathValidatorException:
 * validity check failed [reason=EXPIRED] | caused by
 * java.security.cert.CertificateExpiredException: NotAfter: …` — so a row can
 * match the CertPathValidatorException's reason (java.security.cert.
 * CertPathValidatorException.BasicReason / PKIXReason) where the message is vague.
 *
 * Order matters: the handshake-layer rows (signature over the handshake,
 * records, version) first, then the path validator's reasons, TRUST
 * (“unable to find valid certification path”, the builder found no anchor) last.
 */
export const JAVA_ERROR_TABLE: ErrorTable = [
  // The TLS handshake signature (RFC 8446 §4.4.3; TLS 1.2 ServerKeyExchange), not the chain.
  {
    pattern:
      /Invalid CertificateVerify (message|signature)|Cannot verify CertificateVerify signature|Invalid signature on (ECDH|DH|RSA)? ?server key exchange message|Invalid (\w+ )?ServerKeyExchange signature/i,
    step: 'HS',
  },
  { pattern: /Incorrect finished message|Unexpected Finished message/i, step: 'FIN' },
  // AEAD tag or CBC MAC of a record (RFC 8446 §5.2).
  { pattern: /AEADBadTagException|Tag mismatch|bad_record_mac|Bad record MAC/i, step: 'REC' },
  // RFC 8446 §4.1.3 sentinel; versions below TLS 1.2 (jdk.tls.disabledAlgorithms lists TLSv1, TLSv1.1).
  {
    pattern:
      /downgrade|The server selected protocol version TLS1[01] is not accepted|protocol_version|No appropriate protocol/i,
    step: 'PROTO',
  },
  // A ChangeCipherSpec before the keys are agreed (RFC 5246 §7.1; the CCS injection, CVE-2014-0224): SSLProtocolException.
  { pattern: /\(unexpected_message\) Unexpected content: 20/, step: 'HS' },
  // The chain is refused while parsing: RFC 5280 §4.2 (one instance per extension), RFC 5480 §2.1.1 (named curves only).
  { pattern: /Duplicate extensions not allowed/, step: 'CRIT' },
  { pattern: /Only named ECParameters supported/, step: 'ALG' },
  // Names (HostnameChecker, RFC 2818 §3.1 / RFC 6125 §6).
  {
    pattern:
      /No subject alternative (DNS )?names? matching .* found|No subject alternative names present|No name matching .* found/,
    step: 'HOST',
  },
  // CertPathValidatorException reasons.
  { pattern: /\[reason=(EXPIRED|NOT_YET_VALID)\]|CertificateExpiredException|CertificateNotYetValidException/, step: 'DATES' },
  { pattern: /\[reason=ALGORITHM_CONSTRAINED\]|Algorithm constraints check failed/, step: 'ALG' },
  { pattern: /\[reason=INVALID_SIGNATURE\]|signature check failed/, step: 'SIG' },
  { pattern: /\[reason=PATH_TOO_LONG\]|pathLenConstraint violated/, step: 'PATHLEN' },
  { pattern: /\[reason=NOT_CA_CERT\]|this is not a CA certificate/, step: 'BC' },
  { pattern: /Extended key usage does not permit use for TLS server authentication/, step: 'EKU' },
  { pattern: /\[reason=INVALID_KEY_USAGE\]|KeyUsage does not allow|key usage/i, step: 'KU' },
  { pattern: /\[reason=INVALID_NAME\]|name constraints check failed/, step: 'NC' },
  { pattern: /\[reason=UNRECOGNIZED_CRIT_EXT\]|Unrecognized critical extension/, step: 'CRIT' },
  { pattern: /\[reason=(REVOKED|UNDETERMINED_REVOCATION_STATUS)\]|Certificate has been revoked/, step: 'REV' },
  // The builder found no path to an anchor in the truststore (RFC 5280 §6.1).
  {
    pattern: /\[reason=NO_TRUST_ANCHOR\]|unable to find valid certification path to requested target|PKIX path building failed/,
    step: 'TRUST',
  },
]
