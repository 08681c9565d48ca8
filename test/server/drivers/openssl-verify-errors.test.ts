import { describe, expect, it } from 'vitest'
import { acceptedOutcome, loginForm, mapError, rejectedOutcome } from '../../../server/drivers/error-table.js'
import { OPENSSL_ERROR_TABLE } from '../../../server/drivers/openssl-driver.js'
import { OPENSSL_VERIFY_ROWS } from '../../../server/drivers/openssl-verify-errors.js'

/*
 * OpenSSL's own words (X509_verify_cert_error_string, crypto/x509/x509_txt.c; 1.1 and 3.x
 * spellings), as `openssl s_client` prints them, each with the step written out by hand.
 * The client matrix names a step from these rows: a row pointing at the wrong step makes the
 * lab tell a client author the wrong thing.
 */
const OPENSSL_WORDS: [string, string][] = [
  ['verify error:num=19:self-signed certificate in certificate chain', 'TRUST'],
  ['verify error:num=19:self signed certificate in certificate chain', 'TRUST'],
  ['verify error:num=18:self-signed certificate', 'TRUST'],
  ['verify error:num=18:self signed certificate', 'TRUST'],
  ['verify error:num=20:unable to get local issuer certificate', 'TRUST'],
  ['verify error:num=2:unable to get issuer certificate', 'TRUST'],
  ['verify error:num=21:unable to verify the first certificate', 'TRUST'],
  ['verify error:num=27:certificate not trusted', 'TRUST'],
  ['verify error:num=28:certificate rejected', 'TRUST'],
  ['verify error:num=7:certificate signature failure', 'SIG'],
  ["verify error:num=4:unable to decrypt certificate's signature", 'SIG'],
  ['verify error:num=6:unable to decode issuer public key', 'SIG'],
  ['verify error:num=10:certificate has expired', 'DATES'],
  ['verify error:num=9:certificate is not yet valid', 'DATES'],
  ["verify error:num=13:format error in certificate's notBefore field", 'DATES'],
  ["verify error:num=14:format error in certificate's notAfter field", 'DATES'],
  ['verify error:num=62:hostname mismatch', 'HOST'],
  ['verify error:num=64:IP address mismatch', 'HOST'],
  ['verify error:num=24:invalid CA certificate', 'BC'],
  ['verify error:num=83:Basic Constraints of CA cert not marked critical', 'BC'],
  ['verify error:num=25:path length constraint exceeded', 'PATHLEN'],
  ['verify error:num=22:certificate chain too long', 'PATHLEN'],
  ['verify error:num=32:key usage does not include certificate signing', 'KU'],
  ['verify error:num=39:key usage does not include digital signature', 'KU'],
  ['verify error:num=86:CA cert does not include key usage extension', 'KU'],
  ['verify error:num=26:unsupported certificate purpose', 'EKU'],
  ['verify error:num=26:unsuitable certificate purpose', 'EKU'],
  ['verify error:num=47:permitted subtree violation', 'NC'],
  ['verify error:num=48:excluded subtree violation', 'NC'],
  ['verify error:num=49:name constraints minimum and maximum not supported', 'NC'],
  ['verify error:num=51:unsupported name constraint type', 'NC'],
  ['verify error:num=52:unsupported or invalid name constraint syntax', 'NC'],
  ['verify error:num=52:unsupported name constraint syntax', 'NC'],
  ['verify error:num=53:unsupported or invalid name syntax', 'NC'],
  ['verify error:num=34:unhandled critical extension', 'CRIT'],
  ['verify error:num=68:CA signature digest algorithm too weak', 'ALG'],
  ['verify error:num=66:EE certificate key too weak', 'ALG'],
  ['verify error:num=67:CA certificate key too weak', 'ALG'],
  ['verify error:num=70:unsupported signature algorithm', 'ALG'],
  ['verify error:num=95:Cannot find certificate signature algorithm', 'ALG'],
  ['verify error:num=94:Certificate public key has explicit ECC parameters', 'ALG'],
  ['verify error:num=23:certificate revoked', 'REV'],
  ['verify error:num=3:unable to get certificate CRL', 'REV'],
  ['verify error:num=73:OCSP verification needed', 'REV'],
  ['verify error:num=74:OCSP verification failed', 'REV'],
  ['error:0A0001A4:SSL routines::no valid SCTs found', 'CT'],
  ['error:0A00011B:SSL routines::legacy sigalg disallowed or unsupported', 'ALG'],
  ['error:0A000175:SSL routines::inappropriate fallback', 'PROTO'],
  ['[SSL: BAD_SIGNATURE] bad signature (_ssl.c:992)', 'HS'],
  // openssl s_client's whole queue against key-possession-tls13 (OpenSSL 3.0.19).
  ['4087EC98887F0000:error:0A00007B:SSL routines:tls_process_cert_verify:bad signature:../ssl/statem/statem_lib.c:545:', 'HS'],
  ['error:0A000119:SSL routines::decryption failed or bad record mac', 'REC'],
  ['error:0A000102:SSL routines::unsupported protocol', 'PROTO'],
  ['error:0A00042E:SSL routines::tlsv1 alert protocol version', 'PROTO'],
  ['error:0A0000BF:SSL routines::no protocols available', 'PROTO'],
]

describe('OPENSSL_VERIFY_ROWS: OpenSSL verify errors to steps', () => {
  it.each(OPENSSL_WORDS)('“%s” → %s', (words, step) => {
    expect(mapError(OPENSSL_VERIFY_ROWS, words)).toBe(step)
    // The openssl driver's table is exactly these rows.
    expect(mapError(OPENSSL_ERROR_TABLE, words)).toBe(step)
  })

  it('has no row the list above leaves untried', () => {
    const tried = new Set(OPENSSL_WORDS.map(([words]) => OPENSSL_VERIFY_ROWS.findIndex((row) => row.pattern.test(words))))
    const untried = OPENSSL_VERIFY_ROWS.map((row, index) => (tried.has(index) ? null : String(row.pattern))).filter((pattern) => pattern !== null)
    expect(untried).toEqual([])
  })

  it.each([
    'bad signature',
    '[ssl: bad_signature] lower case is not the SSL reason code',
    'error:0A000126:SSL routines::unexpected eof while reading',
  ])('names no step for “%s”', (words) => {
    expect(mapError(OPENSSL_VERIFY_ROWS, words)).toBeNull()
  })
})

describe('error-table helpers', () => {
  it('mapError tries rows in order and returns the first match', () => {
    const table = [
      { pattern: /certificate/, step: 'TRUST' as const },
      { pattern: /expired/, step: 'DATES' as const },
    ]
    expect(mapError(table, 'certificate has expired')).toBe('TRUST')
    expect(mapError(table, 'it expired')).toBe('DATES')
    expect(mapError(table, 'nothing known')).toBeNull()
    expect(mapError([], 'certificate has expired')).toBeNull()
  })

  it('rejectedOutcome keeps the raw error and the last lines of output, and is mapped only when a row matched', () => {
    const output = `${Array.from({ length: 14 }, (_, i) => `line ${i + 1}   `).join('\n')}\n\n`
    expect(rejectedOutcome(OPENSSL_VERIFY_ROWS, 'verify error:num=25:path length constraint exceeded', 1, output)).toEqual({
      verdict: 'reject',
      rawError: 'verify error:num=25:path length constraint exceeded',
      exitCode: 1,
      step: 'PATHLEN',
      isMapped: true,
      output: Array.from({ length: 12 }, (_, i) => `line ${i + 3}`).join('\n'),
    })
    expect(rejectedOutcome(OPENSSL_VERIFY_ROWS, 'connection reset', null, '')).toEqual({
      verdict: 'reject',
      rawError: 'connection reset',
      exitCode: null,
      step: null,
      isMapped: false,
      output: '',
    })
  })

  it('acceptedOutcome has no error, no step and is not "mapped"', () => {
    expect(acceptedOutcome('HTTP/1.1 302 Found\n', 0)).toEqual({ verdict: 'accept', rawError: null, exitCode: 0, step: null, isMapped: false, output: 'HTTP/1.1 302 Found' })
  })

  it('loginForm encodes the credentials as the bank form does', () => {
    expect(loginForm({ username: 'alice', password: 'correct horse&battery=staple' })).toBe('username=alice&password=correct+horse%26battery%3Dstaple')
  })
})
