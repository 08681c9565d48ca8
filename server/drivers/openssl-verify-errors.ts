import type { ErrorRow } from './error-table.js'

/**
 * OpenSSL's own words for a failed chain (X509_verify_cert_error_string,
 * crypto/x509/x509_txt.c, 1.1 and 3.x spellings), shared by every client built
 * on it: curl, openssl s_client, Python's ssl module, wget. Each client's table
 * puts its own rows first and these after.
 */
export const OPENSSL_VERIFY_ROWS: readonly ErrorRow[] = [
  // Chain building and trust (RFC 5280 §6.1: a path must end in a trust anchor).
  { pattern: /self[- ]signed certificate in certificate chain/i, step: 'TRUST' },
  { pattern: /self[- ]signed certificate/i, step: 'TRUST' },
  { pattern: /unable to get local issuer certificate/i, step: 'TRUST' },
  { pattern: /unable to get issuer certificate/i, step: 'TRUST' },
  { pattern: /unable to verify the first certificate/i, step: 'TRUST' },
  { pattern: /certificate not trusted/i, step: 'TRUST' },
  { pattern: /certificate rejected/i, step: 'TRUST' },
  // Signatures.
  { pattern: /certificate signature failure/i, step: 'SIG' },
  { pattern: /unable to decrypt certificate's signature/i, step: 'SIG' },
  { pattern: /unable to decode issuer public key/i, step: 'SIG' },
  // Validity period (RFC 5280 §4.1.2.5).
  { pattern: /certificate has expired/i, step: 'DATES' },
  { pattern: /certificate is not yet valid/i, step: 'DATES' },
  { pattern: /format error in certificate's not(Before|After) field/i, step: 'DATES' },
  // Names (RFC 6125 §6).
  { pattern: /hostname mismatch/i, step: 'HOST' },
  { pattern: /IP address mismatch/i, step: 'HOST' },
  // Extensions.
  { pattern: /invalid CA certificate/i, step: 'BC' },
  { pattern: /Basic Constraints of CA cert not marked critical/i, step: 'BC' },
  { pattern: /path length constraint exceeded/i, step: 'PATHLEN' },
  { pattern: /certificate chain too long/i, step: 'PATHLEN' },
  { pattern: /key usage does not include (certificate signing|digital signature)/i, step: 'KU' },
  { pattern: /CA cert does not include key usage extension/i, step: 'KU' },
  { pattern: /(unsuitable|unsupported) certificate purpose/i, step: 'EKU' },
  { pattern: /(permitted|excluded) subtree violation/i, step: 'NC' },
  { pattern: /name constraints minimum and maximum not supported/i, step: 'NC' },
  { pattern: /unsupported (or invalid )?name constraint (type|syntax)/i, step: 'NC' },
  // X509_V_ERR_UNSUPPORTED_NAME_SYNTAX: raised by check_name_constraints (crypto/x509/x509_vfy.c) for a name it cannot compare.
  { pattern: /unsupported or invalid name syntax/i, step: 'NC' },
  { pattern: /unhandled critical extension/i, step: 'CRIT' },
  // Algorithms and key sizes (OpenSSL security levels).
  { pattern: /CA signature digest algorithm too weak/i, step: 'ALG' },
  { pattern: /(EE|CA) certificate key too weak/i, step: 'ALG' },
  { pattern: /unsupported signature algorithm|Cannot find certificate signature algorithm/i, step: 'ALG' },
  // RFC 5480 §2.1.1: only named curves; X509_V_ERR_EC_KEY_EXPLICIT_PARAMS.
  { pattern: /public key has explicit ECC parameters/i, step: 'ALG' },
  // Revocation.
  { pattern: /certificate revoked/i, step: 'REV' },
  { pattern: /unable to get certificate CRL|OCSP verification (needed|failed)/i, step: 'REV' },
  { pattern: /no valid SCTs found/i, step: 'CT' },
  // The client's own signature-algorithm policy refused the server's handshake signature (OpenSSL 3 security level).
  { pattern: /legacy sigalg disallowed or unsupported/i, step: 'ALG' },
  // RFC 8446 §4.1.3: the TLS 1.3 downgrade sentinel, or RFC 7507's SCSV.
  { pattern: /inappropriate fallback/i, step: 'PROTO' },
  // SSL_R_BAD_SIGNATURE from the TLS layer (CertificateVerify / ServerKeyExchange), not from chain verification.
  { pattern: /\[SSL: BAD_SIGNATURE\]/, step: 'HS' },
  // The same, as the whole error queue prints it (openssl s_client): the function names the handshake message,
  // tls_process_cert_verify (RFC 8446 §4.4.3) or tls_process_key_exchange (RFC 5246 §7.4.3), ssl/statem/.
  { pattern: /SSL routines:tls_process_(cert_verify|key_exchange):bad signature/, step: 'HS' },
  // A record whose AEAD tag or MAC does not verify (RFC 8446 §5.2).
  { pattern: /decryption failed or bad record mac/i, step: 'REC' },
  // Handshake-level refusals that name the protocol version (RFC 8446 §4.2.1, RFC 8996).
  { pattern: /unsupported protocol|alert protocol version|no protocols available/i, step: 'PROTO' },
  // Left unmapped (issue 19 lab run, every OpenSSL client):
  // - `sslv3 alert handshake failure` (alert 40 from the server, RFC 8446 §6.2): the server found nothing it
  //   shares with the client — no null/anonymous suite (PROTO scenarios), no ML-DSA signature scheme (TRUST and
  //   control scenarios alike); the alert does not say which.
  // - `bad record type` (SSL_R_BAD_RECORD_TYPE): a record of a content type OpenSSL does not know, as the heartbeat
  //   probe sends mid-handshake (the lab says HS) and as any tampered record header would (REC).
  // - `unexpected eof while reading`, `Empty reply from server`, `socket hang up`: the peer closed; a truncation
  //   attack (REC) and a server that gave up read the same.
]
