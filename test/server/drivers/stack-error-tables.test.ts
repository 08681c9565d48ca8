import { describe, expect, it } from 'vitest'
import { BOTAN_ERROR_TABLE } from '../../../server/drivers/botan-errors.js'
import { mapError } from '../../../server/drivers/error-table.js'
import { GNUTLS_ERROR_TABLE } from '../../../server/drivers/gnutls-errors.js'
import { GO_ERROR_TABLE } from '../../../server/drivers/go-errors.js'
import { JAVA_ERROR_TABLE } from '../../../server/drivers/java-errors.js'

// Raw errors exactly as the drivers recorded them against the lab's scenarios on Debian 12
// (go 1.19.8, OpenJDK 17.0.21, gnutls-cli 3.7.9, Botan 2.19.3), scenario named in each row.
describe('Go, Java, GnuTLS and Botan error tables', () => {
  it.each([
    // Go (crypto/x509, crypto/tls)
    ['self-signed-leaf', GO_ERROR_TABLE, 'x509.UnknownAuthorityError: x509: certificate signed by unknown authority', 'TRUST'],
    ['wrong-host', GO_ERROR_TABLE, 'x509.HostnameError: x509: certificate is valid for evil.lab, not bank.lab', 'HOST'],
    ['common-name-only', GO_ERROR_TABLE, 'x509.HostnameError: x509: certificate relies on legacy Common Name field, use SANs instead', 'HOST'],
    ['expired-leaf', GO_ERROR_TABLE, 'x509.CertificateInvalidError [reason=1]: x509: certificate has expired or is not yet valid: current time 2026-12-05T15:55:12Z is after 2026-11-05T15:55:11Z', 'DATES'],
    ['tampered-leaf-signature', GO_ERROR_TABLE, 'x509.UnknownAuthorityError: x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "mitmlab Issuing CA 1")', 'SIG'],
    ['sha1-signed-leaf', GO_ERROR_TABLE, 'x509.UnknownAuthorityError: x509: certificate signed by unknown authority (possibly because of "x509: cannot verify signature: insecure algorithm SHA1-RSA (temporarily override with GODEBUG=x509sha1=1)" while trying to verify candidate authority certificate "mitmlab Issuing CA 1")', 'ALG'],
    ['path-length-exceeded', GO_ERROR_TABLE, 'x509.CertificateInvalidError [reason=3]: x509: too many intermediates for path length constraint', 'PATHLEN'],
    ['leaf-eku-client-auth-only', GO_ERROR_TABLE, 'x509.CertificateInvalidError [reason=4]: x509: certificate specifies an incompatible key usage', 'EKU'],
    ['name-constraints-excluded', GO_ERROR_TABLE, 'x509.CertificateInvalidError [reason=2]: x509: a root or intermediate certificate is not authorized to sign for this name: DNS name "bank.lab" is excluded by constraint "bank.lab"', 'NC'],
    ['duplicate-extension', GO_ERROR_TABLE, '*errors.errorString: tls: failed to parse certificate from server: x509: certificate contains duplicate extensions', 'CRIT'],
    ['key-possession-tls13', GO_ERROR_TABLE, '*errors.errorString: tls: invalid signature by the server certificate: crypto/rsa: verification error', 'HS'],
    ['record-bit-flip', GO_ERROR_TABLE, '*tls.permanentError: local error: tls: bad record MAC', 'REC'],
    ['client-hello-remove-tls13', GO_ERROR_TABLE, '*errors.errorString: tls: downgrade attempt detected, possibly due to a MitM attack or a broken middlebox', 'PROTO'],
    // Java (JSSE, PKIX)
    ['self-signed-leaf', JAVA_ERROR_TABLE, 'javax.net.ssl.SSLHandshakeException: (certificate_unknown) PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target', 'TRUST'],
    ['wrong-host', JAVA_ERROR_TABLE, 'javax.net.ssl.SSLHandshakeException: (certificate_unknown) No subject alternative DNS name matching bank.lab found.', 'HOST'],
    ['expired-leaf', JAVA_ERROR_TABLE, 'javax.net.ssl.SSLHandshakeException: (certificate_expired) PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed | caused by java.security.cert.CertPathValidatorException: validity check failed [reason=EXPIRED] | caused by java.security.cert.CertificateExpiredException: NotAfter: Thu Nov 05 16:03:13 UTC 2026', 'DATES'],
    ['path-length-exceeded', JAVA_ERROR_TABLE, 'javax.net.ssl.SSLHandshakeException: (certificate_unknown) PKIX path validation failed: java.security.cert.CertPathValidatorException: basic constraints check failed: pathLenConstraint violated - this cert must be the last cert in the certification path', 'PATHLEN'],
    ['ca-without-key-cert-sign', JAVA_ERROR_TABLE, 'javax.net.ssl.SSLHandshakeException: (certificate_unknown) PKIX path validation failed: java.security.cert.CertPathValidatorException: CA key usage check failed: keyCertSign bit is not set', 'KU'],
    ['leaf-eku-client-auth-only', JAVA_ERROR_TABLE, 'javax.net.ssl.SSLHandshakeException: (certificate_unknown) Extended key usage does not permit use for TLS server authentication', 'EKU'],
    ['key-possession-tls12', JAVA_ERROR_TABLE, 'javax.net.ssl.SSLHandshakeException: (handshake_failure) Invalid ECDH ServerKeyExchange signature', 'HS'],
    ['record-bit-flip', JAVA_ERROR_TABLE, 'java.io.IOException: HTTP/1.1 header parser received no bytes | caused by javax.net.ssl.SSLException: (bad_record_mac) Tag mismatch! | caused by javax.crypto.AEADBadTagException: Tag mismatch!', 'REC'],
    ['duplicate-extension', JAVA_ERROR_TABLE, 'javax.net.ssl.SSLHandshakeException: (bad_certificate) Failed to parse server certificates | caused by java.security.cert.CertificateParsingException: java.io.IOException: Duplicate extensions not allowed', 'CRIT'],
    ['early-ccs-tls12', JAVA_ERROR_TABLE, 'javax.net.ssl.SSLException: (unexpected_message) Unexpected content: 20 | caused by javax.net.ssl.SSLProtocolException: (unexpected_message) Unexpected content: 20', 'HS'],
    ['client-hello-remove-tls13', JAVA_ERROR_TABLE, 'javax.net.ssl.SSLHandshakeException: (illegal_parameter) A potential protocol version downgrade attack', 'PROTO'],
    // GnuTLS (gnutls-cli)
    ['self-signed-leaf', GNUTLS_ERROR_TABLE, 'exit 1: *** Fatal error: Error in the certificate. | - Status: The certificate is NOT trusted. The certificate issuer is unknown. | *** PKI verification of server certificate failed...', 'TRUST'],
    ['dns-san-holding-ip', GNUTLS_ERROR_TABLE, "exit 1: *** Fatal error: Error in the certificate. | - Status: The certificate is NOT trusted. The certificate chain violates the signer's constraints. The name in the certificate does not match the expected.", 'HOST'],
    ['not-yet-valid-leaf', GNUTLS_ERROR_TABLE, 'exit 1: - Status: The certificate is NOT trusted. The certificate chain uses not yet valid certificate.', 'DATES'],
    ['v1-intermediate', GNUTLS_ERROR_TABLE, 'exit 1: - Status: The certificate is NOT trusted. The certificate issuer is not a CA.', 'BC'],
    ['md5-signed-leaf', GNUTLS_ERROR_TABLE, 'exit 1: - Status: The certificate is NOT trusted. The certificate chain uses insecure algorithm.', 'ALG'],
    ['duplicate-extension', GNUTLS_ERROR_TABLE, 'exit 1: *** Fatal error: Duplicate extension in X.509 certificate.', 'CRIT'],
    ['key-possession-tls12', GNUTLS_ERROR_TABLE, 'exit 1: *** Fatal error: Public key signature verification has failed. | - Status: The certificate is trusted.', 'HS'],
    ['record-truncation', GNUTLS_ERROR_TABLE, 'exit 1: *** Fatal error: The TLS connection was non-properly terminated. | *** Server has terminated the connection abnormally. | - Status: The certificate is trusted.', 'REC'],
    // Botan (tls_client)
    ['self-signed-leaf', BOTAN_ERROR_TABLE, 'Certificate validation status: Cannot establish trust', 'TRUST'],
    ['incomplete-chain', BOTAN_ERROR_TABLE, 'Certificate validation status: Certificate issuer not found', 'TRUST'],
    ['tampered-leaf-signature', BOTAN_ERROR_TABLE, 'Certificate validation status: Signature error', 'SIG'],
    ['direct-connection', BOTAN_ERROR_TABLE, 'Certificate validation status: Unknown critical extension encountered', 'CRIT'],
    ['downgrade-tls10-strict', BOTAN_ERROR_TABLE, 'exit 0: Alert: protocol_version', 'PROTO'],
    ['early-ccs-tls12', BOTAN_ERROR_TABLE, 'exit 2: Error: Unexpected state transition in handshake got a change_cipher_spec expected certificate seen server_hello', 'HS'],
    ['heartbeat-probe', BOTAN_ERROR_TABLE, 'exit 2: Error: Unexpected record type 24 from counterparty', 'HS'],
    ['client-hello-alpn-rewritten', BOTAN_ERROR_TABLE, 'exit 2: Error: Server replied with unsupported extensions: 16', 'HS'],
  ] as const)('%s: %#', (_scenario, table, raw, step) => {
    expect(mapError(table, raw)).toBe(step)
  })

  it.each([
    // One status bit for path length, name constraints and a missing keyCertSign: left unmapped, not guessed.
    [GNUTLS_ERROR_TABLE, "exit 1: *** Fatal error: Error in the certificate. | - Status: The certificate is NOT trusted. The certificate chain violates the signer's constraints. | *** PKI verification of server certificate failed..."],
    [GNUTLS_ERROR_TABLE, 'exit 1: *** Fatal error: A TLS fatal alert has been received. | *** Received alert [40]: Handshake failed'],
    [GO_ERROR_TABLE, '*tls.permanentError: remote error: tls: handshake failure'],
    // ConstraintViolationError: an issuer without cA and one without keyCertSign read the same (ca-without-key-cert-sign).
    [GO_ERROR_TABLE, 'x509.UnknownAuthorityError: x509: certificate signed by unknown authority (possibly because of "x509: invalid signature: parent certificate cannot sign this kind of certificate" while trying to verify candidate authority certificate "mitmlab Signing-only CA")'],
    [GO_ERROR_TABLE, '*errors.errorString: EOF'],
    [JAVA_ERROR_TABLE, 'javax.net.ssl.SSLHandshakeException: (handshake_failure) Received fatal alert: handshake_failure'],
    [BOTAN_ERROR_TABLE, 'exit 0: Alert: handshake_failure'],
    [BOTAN_ERROR_TABLE, 'exit 2: Error: Invalid GeneralizedTime string in set_to:./src/lib/asn1/asn1_time.cpp'],
  ] as const)('leaves an error that names no cause unmapped: %#', (table, raw) => {
    expect(mapError(table, raw)).toBeNull()
  })
})
