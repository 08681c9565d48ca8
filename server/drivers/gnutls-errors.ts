import type { ErrorTable } from './error-table.js'

/**
 * GnuTLS's words as gnutls-cli prints them (3.7): the verification status
 * after `- Status: The certificate is NOT trusted.`, one sentence per
 * gnutls_certificate_status_t bit (lib/cert-session.c,
 * gnutls_certificate_verification_status_print), then `*** …` lines with
 * gnutls_strerror() of the handshake's error. The status bits are tried
 * first: they name the cause; "Error in the certificate" alone does not.
 * wget on Debian is built on the same GnuTLS verifier (its table,
 * wget-driver.ts, matches wget's rewording of the same bits).
 *
 * Left unmapped because they are ambiguous: “The certificate chain violates
 * the signer's constraints” (GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE) is one
 * bit for a path length exceeded, a name-constraint violation and an issuer
 * lacking keyCertSign alike (observed on path-length-exceeded,
 * name-constraints-*, ca-without-key-cert-sign, leaf-used-as-ca; and on the
 * ip-address-san control, whose CN “127.0.0.1” GnuTLS checks against the
 * intermediate's dNSName constraints); “An illegal parameter has been
 * received” (GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER) is what GnuTLS returns for
 * the RFC 8446 §4.1.3 downgrade sentinel and for any malformed handshake
 * field; “Received alert [40]: Handshake failed” names no cause.
 */
export const GNUTLS_ERROR_TABLE: ErrorTable = [
  // GNUTLS_CERT_UNEXPECTED_OWNER: the name check (RFC 6125 §6), gnutls_x509_crt_check_hostname2.
  { pattern: /The name in the certificate does not match the expected/, step: 'HOST' },
  // GNUTLS_CERT_SIGNATURE_FAILURE.
  { pattern: /The signature in the certificate is invalid/, step: 'SIG' },
  // GNUTLS_CERT_INSECURE_ALGORITHM: MD5/SHA-1 signatures, short keys under the default profile.
  { pattern: /The certificate chain uses insecure algorithm/, step: 'ALG' },
  // GNUTLS_CERT_EXPIRED / GNUTLS_CERT_NOT_ACTIVATED (RFC 5280 §4.1.2.5), anywhere in the chain.
  { pattern: /The certificate chain uses (expired|not yet valid) certificate/, step: 'DATES' },
  // GNUTLS_CERT_SIGNER_NOT_CA: an issuer without cA (RFC 5280 §4.2.1.9).
  { pattern: /The certificate issuer is not a CA/, step: 'BC' },
  // GNUTLS_CERT_PURPOSE_MISMATCH: the key purpose (EKU serverAuth, RFC 5280 §4.2.1.12).
  { pattern: /The certificate chain does not match the intended purpose/, step: 'EKU' },
  { pattern: /The certificate contains an unknown critical extension/, step: 'CRIT' },
  { pattern: /The certificate chain is revoked|revocation or OCSP data|OCSP status is missing|OCSP status response is invalid/, step: 'REV' },
  // GNUTLS_CERT_SIGNER_NOT_FOUND: no path to a trust anchor. Tried after the specific bits: GnuTLS sets it beside them.
  { pattern: /The certificate issuer is unknown/, step: 'TRUST' },
  // GNUTLS_E_X509_DUPLICATE_EXTENSION: the chain is refused while parsing (RFC 5280 §4.2: one instance per extension).
  { pattern: /Duplicate extension in X\.509 certificate/, step: 'CRIT' },
  // The handshake layer.
  { pattern: /Received alert \[70\]: Protocol version|unsupported version|inappropriate fallback/i, step: 'PROTO' },
  { pattern: /Decryption has failed/, step: 'REC' },
  // GNUTLS_E_PREMATURE_TERMINATION: the stream ended without close_notify (RFC 8446 §6.1), a truncation.
  { pattern: /The TLS connection was non-properly terminated/, step: 'REC' },
  { pattern: /Public key signature verification has failed/, step: 'HS' },
]
