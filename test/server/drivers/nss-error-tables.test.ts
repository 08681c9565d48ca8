import { describe, expect, it } from 'vitest'
import { mapError, rejectedOutcome } from '../../../server/drivers/error-table.js'
import { errorPageCode, firefoxErrorCode, FIREFOX_ERROR_TABLE } from '../../../server/drivers/firefox-errors.js'
import { TSTCLNT_ERROR_TABLE } from '../../../server/drivers/tstclnt-driver.js'

// Raw errors as tstclnt (NSS 3.87, Debian 12) and Firefox ESR 153 printed them against the lab's scenarios.
const tstclnt = (what: string, name: string, text: string): string => `exit 254: tstclnt: ${what}: ${name}: ${text}`
const AUTH = 'authentication of server cert failed'
const WRITE = 'write to SSL socket failed'

describe('the NSS tstclnt error table', () => {
  it.each([
    [tstclnt(AUTH, 'SEC_ERROR_UNTRUSTED_ISSUER', "Peer's certificate issuer has been marked as not trusted by the user."), 'TRUST'],
    [tstclnt(AUTH, 'SEC_ERROR_UNKNOWN_ISSUER', "Peer's Certificate issuer is not recognized."), 'TRUST'],
    [tstclnt(AUTH, 'SEC_ERROR_CA_CERT_INVALID', 'Issuer certificate is invalid.'), 'BC'],
    [tstclnt(AUTH, 'SSL_ERROR_BAD_CERT_DOMAIN', "Unable to communicate securely with peer: requested domain name does not match the server's certificate."), 'HOST'],
    [tstclnt(AUTH, 'SEC_ERROR_EXPIRED_CERTIFICATE', "Peer's Certificate has expired."), 'DATES'],
    [tstclnt(AUTH, 'SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE', "The certificate issuer's certificate has expired.  Check your system date and time."), 'DATES'],
    [tstclnt(AUTH, 'SEC_ERROR_INADEQUATE_CERT_TYPE', 'Certificate type not approved for application.'), 'EKU'],
    [tstclnt(AUTH, 'SEC_ERROR_INADEQUATE_KEY_USAGE', 'Certificate key usage inadequate for attempted operation.'), 'KU'],
    [tstclnt(AUTH, 'SEC_ERROR_PATH_LEN_CONSTRAINT_INVALID', 'Certificate path length constraint is invalid.'), 'PATHLEN'],
    [tstclnt(AUTH, 'SEC_ERROR_CERT_NOT_IN_NAME_SPACE', 'The Certifying Authority for this certificate is not permitted to issue a certificate with this name.'), 'NC'],
    [tstclnt(AUTH, 'SEC_ERROR_UNKNOWN_CRITICAL_EXTENSION', 'Certificate contains unknown critical extension.'), 'CRIT'],
    [tstclnt(AUTH, 'SEC_ERROR_CERT_SIGNATURE_ALGORITHM_DISABLED', 'The certificate was signed using a signature algorithm that is disabled because it is not secure.'), 'ALG'],
    // The same NSS name in two places: a certificate's signature in the certificate callback…
    [tstclnt(AUTH, 'SEC_ERROR_BAD_SIGNATURE', "Peer's certificate has an invalid signature."), 'SIG'],
    // …and the server's CertificateVerify while the handshake runs (key-possession scenarios).
    [tstclnt(WRITE, 'SEC_ERROR_BAD_SIGNATURE', "Peer's certificate has an invalid signature."), 'HS'],
    [tstclnt(WRITE, 'SSL_ERROR_NO_CYPHER_OVERLAP', 'Cannot communicate securely with peer: no common encryption algorithm(s).'), 'PROTO'],
    [tstclnt(WRITE, 'SSL_ERROR_BAD_MAC_READ', 'SSL received a record with an incorrect Message Authentication Code.'), 'REC'],
    ['exit 1: tstclnt: read from socket failed: SSL_ERROR_BAD_MAC_READ: SSL received a record with an incorrect Message Authentication Code.', 'REC'],
    [tstclnt(WRITE, 'SSL_ERROR_RX_MALFORMED_CHANGE_CIPHER', 'SSL received a malformed Change Cipher Spec record.'), 'HS'],
    [tstclnt(WRITE, 'SSL_ERROR_RX_UNEXPECTED_RECORD_TYPE', 'SSL received an unexpected record type.'), 'HS'],
  ] as const)('maps “%s” to %s', (raw, step) => {
    expect(mapError(TSTCLNT_ERROR_TABLE, raw)).toBe(step)
  })

  it.each([
    // Ambiguous: NSS's name for the TLS 1.3 downgrade sentinel and for any unparsable ServerHello.
    tstclnt(WRITE, 'SSL_ERROR_RX_MALFORMED_SERVER_HELLO', 'SSL received a malformed Server Hello handshake message.'),
    // The connection closed with no response (a truncated record stream, a server that did not answer).
    'exit 0: no HTTP status line came back',
  ])('keeps “%s” verbatim and unmapped', (raw) => {
    expect(rejectedOutcome(TSTCLNT_ERROR_TABLE, raw, 254, raw)).toMatchObject({ rawError: raw, step: null, isMapped: false })
  })

  it('matches a name whole: a longer name that starts with a known one is not mapped', () => {
    expect(mapError(TSTCLNT_ERROR_TABLE, 'SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE_X')).toBeNull()
  })
})

describe('the Firefox error table and where its codes come from', () => {
  it('reads the NSS name inside the nsresult WebDriver BiDi reports for a failed navigation', () => {
    const message =
      'Protocol error (browsingContext.navigate): unknown error Error: NS_ERROR_GENERATE_FAILURE(NS_ERROR_MODULE_SECURITY, MOZILLA_PKIX_ERROR_CA_CERT_USED_AS_END_ENTITY) #onNavigationCommitted@chrome://remote/content/shared/Navigate.sys.mjs:387:28'
    expect(firefoxErrorCode(message)).toBe('MOZILLA_PKIX_ERROR_CA_CERT_USED_AS_END_ENTITY')
  })

  it('falls back to the network nsresult when no NSS name is given, and to null for neither', () => {
    expect(firefoxErrorCode('Protocol error (browsingContext.navigate): unknown error Error: NS_ERROR_NET_RESET')).toBe('NS_ERROR_NET_RESET')
    expect(firefoxErrorCode('Navigation timeout of 15000 ms exceeded')).toBeNull()
  })

  it('reads the error kind from about:certerror and about:neterror URLs, and nothing from other pages', () => {
    expect(errorPageCode('about:certerror?e=nssBadCert&u=https%3A//bank.lab/&c=UTF-8&d=%20&a=')).toBe('about:certerror e=nssBadCert')
    expect(errorPageCode('about:neterror?e=netReset&u=https%3A//bank.lab/login&c=UTF-8&d=The%20connection%20was%20reset.')).toBe(
      'about:neterror e=netReset: The connection was reset.',
    )
    expect(errorPageCode('https://bank.lab/login')).toBeNull()
  })

  it.each([
    ['MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT (load the login page)', 'TRUST'],
    ['SEC_ERROR_UNKNOWN_ISSUER (load the login page)', 'TRUST'],
    ['MOZILLA_PKIX_ERROR_CA_CERT_USED_AS_END_ENTITY (load the login page)', 'BC'],
    ['SSL_ERROR_BAD_CERT_DOMAIN (load the login page)', 'HOST'],
    ['SEC_ERROR_EXPIRED_CERTIFICATE (load the login page)', 'DATES'],
    ['MOZILLA_PKIX_ERROR_NOT_YET_VALID_CERTIFICATE (load the login page)', 'DATES'],
    ['SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE (load the login page)', 'DATES'],
    ['SEC_ERROR_INADEQUATE_KEY_USAGE (load the login page)', 'KU'],
    ['SEC_ERROR_INADEQUATE_CERT_TYPE (load the login page)', 'EKU'],
    ['SEC_ERROR_CA_CERT_INVALID (load the login page)', 'BC'],
    ['SEC_ERROR_EXTENSION_VALUE_INVALID (load the login page)', 'CRIT'],
    // The impostor root of fake-root-same-name: its key cannot verify the chain's signature.
    ['SEC_ERROR_INVALID_KEY (load the login page)', 'SIG'],
    ['MOZILLA_PKIX_ERROR_V1_CERT_USED_AS_CA (load the login page)', 'BC'],
    ['SEC_ERROR_UNKNOWN_CRITICAL_EXTENSION (load the login page)', 'CRIT'],
  ] as const)('maps “%s” to %s', (raw, step) => {
    expect(mapError(FIREFOX_ERROR_TABLE, raw)).toBe(step)
  })

  it('keeps an error page with no code, a network failure or an ambiguous name verbatim and unmapped', () => {
    for (const raw of [
      'about:neterror e=netReset: The connection was reset. (load the login page)',
      'NS_ERROR_NET_RESET (load the login page)',
      // Ambiguous: seen for malformed SAN names (nested-wildcard, trailing-dot-san…), but any undecodable field says it.
      'SEC_ERROR_BAD_DER (load the login page)',
      // Ambiguous: seen for tampered certificate signatures and for key-possession (CertificateVerify) alike.
      'SEC_ERROR_BAD_SIGNATURE (load the login page)',
    ]) {
      expect(rejectedOutcome(FIREFOX_ERROR_TABLE, raw, null, raw)).toMatchObject({ rawError: raw, step: null, isMapped: false })
    }
  })
})
