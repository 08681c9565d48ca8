import { describe, expect, it } from 'vitest'
import { CHROMIUM_ERROR_TABLE } from '../../../server/drivers/chromium-driver.js'
import { CURL_ERROR_TABLE, handshakeStage } from '../../../server/drivers/curl-driver.js'
import { mapError, rejectedOutcome } from '../../../server/drivers/error-table.js'
import { NODE_ERROR_TABLE } from '../../../server/drivers/node-https-driver.js'
import { OPENSSL_ERROR_TABLE } from '../../../server/drivers/openssl-driver.js'
import { PYTHON_ERROR_TABLE } from '../../../server/drivers/python-driver.js'
import { WGET_ERROR_TABLE } from '../../../server/drivers/wget-driver.js'

// Raw errors as the clients on Debian 12 printed them against the lab's scenarios (curl 7.88, OpenSSL 3.0, wget 1.21 GnuTLS, Chromium 156).
describe('one error table per client', () => {
  it.each([
    [
      'curl',
      CURL_ERROR_TABLE,
      'exit 60: curl: (60) SSL certificate problem: unable to get local issuer certificate',
      'TRUST',
    ],
    [
      'curl',
      CURL_ERROR_TABLE,
      'exit 60: curl: (60) SSL certificate problem: certificate has expired',
      'DATES',
    ],
    [
      'curl',
      CURL_ERROR_TABLE,
      "exit 60: curl: (60) SSL: no alternative certificate subject name matches target host name 'bank.lab'",
      'HOST',
    ],
    [
      'curl',
      CURL_ERROR_TABLE,
      'exit 60: curl: (60) SSL certificate problem: self-signed certificate in certificate chain',
      'TRUST',
    ],
    ['curl', CURL_ERROR_TABLE, 'exit 60: curl: (60) SSL certificate problem: invalid CA certificate', 'BC'],
    ['openssl', OPENSSL_ERROR_TABLE, 'exit 1: verify error:num=62:hostname mismatch', 'HOST'],
    ['openssl', OPENSSL_ERROR_TABLE, 'exit 1: verify error:num=9:certificate is not yet valid', 'DATES'],
    ['openssl', OPENSSL_ERROR_TABLE, 'exit 1: verify error:num=47:permitted subtree violation', 'NC'],
    [
      'openssl',
      OPENSSL_ERROR_TABLE,
      'exit 1: verify error:num=68:CA signature digest algorithm too weak',
      'ALG',
    ],
    [
      'node-https',
      NODE_ERROR_TABLE,
      "ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match certificate's altnames",
      'HOST',
    ],
    ['node-https', NODE_ERROR_TABLE, 'UNSPECIFIED: key usage does not include certificate signing', 'KU'],
    [
      'python',
      PYTHON_ERROR_TABLE,
      "SSLCertVerificationError [verify_code=62]: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'bank.lab'. (_ssl.c:992)",
      'HOST',
    ],
    ['python-requests', PYTHON_ERROR_TABLE, "SSLError: hostname 'bank.lab' doesn't match 'evil.lab'", 'HOST'],
    [
      'wget',
      WGET_ERROR_TABLE,
      "exit 5: ERROR: The certificate of 'bank.lab' is not trusted. | ERROR: The certificate of 'bank.lab' doesn't have a known issuer.",
      'TRUST',
    ],
    [
      'wget',
      WGET_ERROR_TABLE,
      "exit 5: ERROR: The certificate of 'bank.lab' is not trusted. | ERROR: The certificate of 'bank.lab' has expired.",
      'DATES',
    ],
    ['chromium', CHROMIUM_ERROR_TABLE, 'net::ERR_CERT_AUTHORITY_INVALID (load the login page)', 'TRUST'],
    ['chromium', CHROMIUM_ERROR_TABLE, 'net::ERR_CERT_COMMON_NAME_INVALID (load the login page)', 'HOST'],
    ['chromium', CHROMIUM_ERROR_TABLE, 'net::ERR_CERT_DATE_INVALID (load the login page)', 'DATES'],
    // The http-first visit names its step in the raw error: the code is read wherever it appears.
    ['chromium', CHROMIUM_ERROR_TABLE, 'net::ERR_CERT_AUTHORITY_INVALID (visit 1: open http://bank.lab/)', 'TRUST'],
    ['chromium', CHROMIUM_ERROR_TABLE, 'net::ERR_CERT_NAME_CONSTRAINT_VIOLATION (load the login page)', 'NC'],
    ['chromium', CHROMIUM_ERROR_TABLE, 'net::ERR_CERT_WEAK_SIGNATURE_ALGORITHM (load the login page)', 'ALG'],
    [
      'curl',
      CURL_ERROR_TABLE,
      'exit 60: curl: (60) SSL: unable to obtain common name from peer certificate',
      'HOST',
    ],
    [
      'openssl',
      OPENSSL_ERROR_TABLE,
      'exit 1: verify error:num=94:Certificate public key has explicit ECC parameters',
      'ALG',
    ],
    ['node-https', NODE_ERROR_TABLE, 'UNSPECIFIED: unsupported or invalid name syntax', 'NC'],
    [
      'python',
      PYTHON_ERROR_TABLE,
      'SSLError: [SSL: INAPPROPRIATE_FALLBACK] inappropriate fallback (_ssl.c:992)',
      'PROTO',
    ],
    ['python', PYTHON_ERROR_TABLE, 'SSLError: [SSL: BAD_SIGNATURE] bad signature (_ssl.c:992)', 'HS'],
    [
      'curl',
      CURL_ERROR_TABLE,
      'exit 56: curl: (56) OpenSSL SSL_read: OpenSSL/3.0.19: error:0A000119:SSL routines::decryption failed or bad record mac, errno 0',
      'REC',
    ],
    [
      'wget',
      WGET_ERROR_TABLE,
      'exit 4: GnuTLS: Decryption has failed. | Unable to establish SSL connection.',
      'REC',
    ],
    ['chromium', CHROMIUM_ERROR_TABLE, 'net::ERR_TLS13_DOWNGRADE_DETECTED (load the login page)', 'PROTO'],
    [
      'python',
      PYTHON_ERROR_TABLE,
      'SSLError: [SSL] legacy sigalg disallowed or unsupported (_ssl.c:992)',
      'ALG',
    ],
    [
      'python-requests',
      PYTHON_ERROR_TABLE,
      'SSLError: no appropriate commonName or subjectAltName fields were found',
      'HOST',
    ],
    [
      'wget',
      WGET_ERROR_TABLE,
      'exit 4: GnuTLS: Duplicate extension in X.509 certificate. | Unable to establish SSL connection.',
      'CRIT',
    ],
    [
      'chromium',
      CHROMIUM_ERROR_TABLE,
      'net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH (load the login page)',
      'PROTO',
    ],
    // Issue 19 item 2: signature failures, as each client printed them (key-possession-tls12/13 expect HS; the
    // tampered and swapped chains expect SIG, which the lab's verifier also names).
    [
      'curl',
      CURL_ERROR_TABLE,
      'exit 35: curl: (35) OpenSSL/3.0.19: error:02000085:rsa routines::first octet invalid | after: TLSv1.2 Server key exchange',
      'HS',
    ],
    [
      'curl',
      CURL_ERROR_TABLE,
      'exit 35: curl: (35) OpenSSL/3.0.19: error:02000084:rsa routines::data too large for modulus | after: TLSv1.3 CERT verify',
      'HS',
    ],
    [
      'curl',
      CURL_ERROR_TABLE,
      'exit 35: curl: (35) OpenSSL/3.0.19: error:0200008A:rsa routines::invalid padding | after: TLSv1.3 Certificate',
      'SIG',
    ],
    [
      'curl',
      CURL_ERROR_TABLE,
      'exit 35: curl: (35) OpenSSL/3.0.19: error:02000068:rsa routines::bad signature | after: TLSv1.3 Certificate',
      'SIG',
    ],
    [
      'openssl',
      OPENSSL_ERROR_TABLE,
      'exit 1: 4087EC98887F0000:error:02000086:rsa routines:RSA_verify_PKCS1_PSS_mgf1:last octet invalid:../crypto/rsa/rsa_pss.c:94:\n' +
        '4087EC98887F0000:error:1C880004:Provider routines:rsa_verify:RSA lib:../providers/implementations/signature/rsa_sig.c:810:\n' +
        '4087EC98887F0000:error:0A00007B:SSL routines:tls_process_cert_verify:bad signature:../ssl/statem/statem_lib.c:545:\n',
      'HS',
    ],
    [
      'openssl',
      OPENSSL_ERROR_TABLE,
      'exit 1: 4087FC21CF7F0000:error:02000086:rsa routines:RSA_verify_PKCS1_PSS_mgf1:last octet invalid:../crypto/rsa/rsa_pss.c:94:\n' +
        '4087FC21CF7F0000:error:0A00007B:SSL routines:tls_process_key_exchange:bad signature:../ssl/statem/statem_clnt.c:2308:\n',
      'HS',
    ],
    [
      'node-https',
      NODE_ERROR_TABLE,
      'EPROTO: write EPROTO 40CD1F890F7F0000:error:02000085:rsa routines:ossl_rsa_verify_PKCS1_PSS_mgf1:first octet invalid:../deps/openssl/openssl/crypto/rsa/rsa_pss.c:85:\n',
      'HS',
    ],
    [
      'node-https',
      NODE_ERROR_TABLE,
      'EPROTO: write EPROTO 40CD1F890F7F0000:error:02000084:rsa routines:rsa_ossl_public_decrypt:data too large for modulus:../deps/openssl/openssl/crypto/rsa/rsa_ossl.c:765:\n',
      'HS',
    ],
    ['wget', WGET_ERROR_TABLE, 'exit 4: GnuTLS: Public key signature verification has failed. | Unable to establish SSL connection.', 'HS'],
  ] as const)('%s: maps “%s” to %s', (_client, table, raw, step) => {
    expect(mapError(table, raw)).toBe(step)
  })

  it.each([
    ['wget', WGET_ERROR_TABLE, "exit 5: ERROR: The certificate of 'bank.lab' is not trusted."],
    ['chromium', CHROMIUM_ERROR_TABLE, 'net::ERR_CERT_INVALID (load the login page)'],
    // Chromium 156 in the lab run (issue 19 item 2): HS, FIN and REC scenarios all ended with this code.
    ['chromium', CHROMIUM_ERROR_TABLE, 'net::ERR_SSL_PROTOCOL_ERROR (load the login page)'],
    // record-truncation (REC) and a control the proxy dropped (idn-homograph): no step of its own.
    ['chromium', CHROMIUM_ERROR_TABLE, 'net::ERR_EMPTY_RESPONSE (load the login page)'],
    // Ambiguous without the handshake trace: an RSA failure may be a certificate signature (SIG) or CertificateVerify (HS).
    [
      'curl',
      CURL_ERROR_TABLE,
      'exit 35: curl: (35) OpenSSL/3.0.19: error:02000086:rsa routines::last octet invalid',
    ],
    // EXFLAG_INVALID: a duplicate extension, or any malformed standard extension.
    [
      'curl',
      CURL_ERROR_TABLE,
      'exit 35: curl: (35) OpenSSL/3.0.19: error:1100009E:X509 V3 routines::invalid certificate | after: TLSv1.3 Certificate',
    ],
    // wget's exit 5 is its own chain check after the handshake: a signature there is SIG, but it only says “not trusted”.
    ['wget', WGET_ERROR_TABLE, "exit 5: ERROR: The certificate of 'bank.lab' is not trusted."],
    [
      'python',
      PYTHON_ERROR_TABLE,
      'SSLError: [SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure (_ssl.c:992)',
    ],
    ['curl', CURL_ERROR_TABLE, 'exit 56: curl: (56) OpenSSL SSL_read: Connection reset by peer, errno 104'],
    [
      'curl',
      CURL_ERROR_TABLE,
      'exit 35: curl: (35) OpenSSL/3.0.19: error:1100009E:X509 V3 routines::invalid certificate',
    ],
    ['node-https', NODE_ERROR_TABLE, 'ECONNRESET: socket hang up'],
  ] as const)('%s: keeps “%s” verbatim and unmapped: it names no single step', (_client, table, raw) => {
    expect(rejectedOutcome(table, raw, null, raw)).toMatchObject({
      verdict: 'reject',
      rawError: raw,
      step: null,
      isMapped: false,
    })
  })

  it('tries rows in order: a self-signed CA in the chain is TRUST, not confused with the leaf case', () => {
    expect(
      mapError(OPENSSL_ERROR_TABLE, 'verify error:num=19:self-signed certificate in certificate chain'),
    ).toBe('TRUST')
  })
})

describe('handshakeStage: which handshake message a curl failure followed', () => {
  // From `curl --verbose` against key-possession-tls13 and tampered-leaf-signature (curl 7.88.1, OpenSSL 3.0.19).
  const trace = (last: string): string =>
    [
      '* TLSv1.3 (OUT), TLS handshake, Client hello (1):',
      '* TLSv1.3 (IN), TLS handshake, Server hello (2):',
      '* TLSv1.3 (IN), TLS handshake, Encrypted Extensions (8):',
      '* TLSv1.3 (IN), TLS handshake, Certificate (11):',
      last,
      '* TLSv1.3 (OUT), TLS alert, decrypt error (563):',
      '* OpenSSL/3.0.19: error:02000084:rsa routines::data too large for modulus',
    ].join('\n')

  it('names the last message received before a library-routine error', () => {
    const line = 'curl: (35) OpenSSL/3.0.19: error:02000084:rsa routines::data too large for modulus'
    expect(handshakeStage(line, trace('* TLSv1.3 (IN), TLS handshake, CERT verify (15):'))).toBe(' | after: TLSv1.3 CERT verify')
    expect(handshakeStage(line, trace(''))).toBe(' | after: TLSv1.3 Certificate')
  })

  it('adds nothing to curl\'s own verify messages or when there is no trace', () => {
    expect(handshakeStage('curl: (60) SSL certificate problem: self-signed certificate', trace(''))).toBe('')
    expect(handshakeStage('curl: (35) OpenSSL/3.0.19: error:0200008A:rsa routines::invalid padding', '')).toBe('')
  })
})
