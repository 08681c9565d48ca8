import type { ErrorTable } from './error-table.js'

/**
 * Go's words (crypto/x509 verify.go and crypto/tls, Go 1.19). The driver's raw
 * error reads `<Go type>[ [reason=N]]: <err.Error()>`, the type being the
 * x509 error that carries the cause (UnknownAuthorityError, HostnameError,
 * CertificateInvalidError with its Reason) when there is one.
 *
 * Order matters: the TLS layer's “invalid signature by the server
 * certificate” (the handshake signature, HS) before the chain's signature
 * rows; an unknown authority “possibly because of” a failed signature or an
 * insecure algorithm (Go names the candidate issuer it tried) before plain TRUST.
 *
 * Go checks neither revocation (no CRL/OCSP fetching in crypto/x509) nor
 * the leaf's KeyUsage: only ExtKeyUsage (x509.VerifyOptions.KeyUsages), so
 * a KU scenario is caught by nothing Go says, and an EKU mismatch reads
 * “incompatible key usage” (Reason 4, IncompatibleUsage).
 */
export const GO_ERROR_TABLE: ErrorTable = [
  // crypto/tls handshake_client.go: the ServerKeyExchange / CertificateVerify signature (RFC 8446 §4.4.3).
  { pattern: /tls: invalid signature by the server certificate/, step: 'HS' },
  { pattern: /tls: server's Finished message was incorrect/, step: 'FIN' },
  { pattern: /tls: bad record MAC/, step: 'REC' },
  // RFC 8446 §4.1.3 downgrade sentinel; a version Go refuses (TLS 1.0/1.1 below its MinVersion 1.2).
  { pattern: /tls: downgrade attempt detected/, step: 'PROTO' },
  { pattern: /tls: server selected unsupported protocol version|tls: protocol version not supported/, step: 'PROTO' },
  // x509.InsecureAlgorithmError (SHA-1, MD5 signatures), on the leaf or on the candidate issuer.
  { pattern: /x509: cannot verify signature: insecure algorithm/, step: 'ALG' },
  { pattern: /x509: unsupported elliptic curve|x509: unknown public key algorithm/, step: 'ALG' },
  // RFC 5480 §2.1.1: only namedCurve; Go refuses explicit parameters when parsing the chain.
  { pattern: /x509: invalid ECDSA parameters/, step: 'ALG' },
  // UnknownAuthorityError naming the candidate issuer whose signature did not verify: the signature is wrong, not the anchor.
  {
    pattern:
      /x509: certificate signed by unknown authority \(possibly because of "(crypto\/rsa: verification error|x509: ECDSA verification failure|x509: Ed25519 verification failure)/,
    step: 'SIG',
  },
  // TRUST, except (left unmapped, ambiguous): an unknown authority “possibly because of "x509: invalid signature: parent
  // certificate cannot sign this kind of certificate"” is CheckSignatureFrom's ConstraintViolationError, one
  // error for an issuer without cA (BC) and one without keyCertSign (KU) alike (leaf-used-as-ca,
  // intermediate-without-basic-constraints, ca-without-key-cert-sign all read the same).
  {
    pattern: /x509: certificate signed by unknown authority(?! \(possibly because of "x509: invalid signature: parent certificate cannot sign)/,
    step: 'TRUST',
  },
  // CertificateInvalidError, by Reason (verify.go).
  { pattern: /x509: certificate has expired or is not yet valid/, step: 'DATES' },
  { pattern: /x509: certificate is not authorized to sign other certificates/, step: 'BC' },
  { pattern: /x509: too many intermediates for path length constraint/, step: 'PATHLEN' },
  { pattern: /x509: certificate specifies an incompatible key usage/, step: 'EKU' },
  { pattern: /x509: a root or intermediate certificate is not authorized for an extended key usage/, step: 'EKU' },
  {
    pattern:
      /x509: a root or intermediate certificate is not authorized to sign for this name|x509: issuer has name constraints but leaf (doesn't have a SAN extension|contains unknown or unconstrained name)|x509: too many constraints/,
    step: 'NC',
  },
  // HostnameError (RFC 6125 §6; Go 1.17+ ignores the Common Name).
  {
    pattern:
      /x509: certificate is valid for .*, not |x509: certificate is not valid for any names|x509: certificate relies on legacy Common Name field|x509: cannot validate certificate for .* because it doesn't contain any IP SANs/,
    step: 'HOST',
  },
  { pattern: /x509: unhandled critical extension/, step: 'CRIT' },
  // RFC 5280 §4.2: a certificate must not include more than one instance of an extension (Go refuses to parse it).
  { pattern: /x509: certificate contains duplicate extensions/, step: 'CRIT' },
]
