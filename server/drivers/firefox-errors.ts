import type { ErrorTable } from './error-table.js'
import { NSS_ERROR_ROWS } from './nss-errors.js'

/**
 * Firefox's raw errors are its own codes: the NSS/mozilla::pkix name it
 * failed the connection with (SEC_ERROR_*, SSL_ERROR_*, MOZILLA_PKIX_ERROR_*),
 * else its network nsresult (NS_ERROR_NET_RESET…), else what its error page
 * says (about:certerror / about:neterror `e=`). The NSS rows are shared with
 * tstclnt; mozilla::pkix raises most of them itself (pkixnss.h maps its
 * Result enum onto SEC_ERROR_* names), so the same name means the same cause.
 * Ambiguous, so unmapped: SEC_ERROR_BAD_SIGNATURE (a certificate's signature
 * or the server's CertificateVerify: Firefox reports both the same way, on the
 * same about:neterror page).
 */
export const FIREFOX_ERROR_TABLE: ErrorTable = [
  // mozilla::pkix's signature check reports ERROR_INVALID_KEY when the issuer's key cannot verify the signature at
  // all: a key of another type than the signature algorithm (ECDSA signed, RSA key: mozpkix's own tests expect
  // ERROR_INVALID_KEY there) or an unparsable one. Seen on fake-root-same-name, whose impostor root signs with a
  // key that is not the trusted root's: the path's signature does not verify.
  { pattern: /\bSEC_ERROR_INVALID_KEY\b/, step: 'SIG' },
  ...NSS_ERROR_ROWS,
]

const NSS_CODE = /\b(?:SEC_ERROR|SSL_ERROR|MOZILLA_PKIX_ERROR)_[A-Z0-9_]+\b/
const NS_RESULT = /\bNS_ERROR_[A-Z0-9_]+\b/

/**
 * The code a failed navigation or request names. Firefox's WebDriver BiDi
 * reports a TLS failure as
 * `NS_ERROR_GENERATE_FAILURE(NS_ERROR_MODULE_SECURITY, SEC_ERROR_UNKNOWN_ISSUER)`
 * (remote/shared/Navigate.sys.mjs): the inner NSS name is the one that says
 * why. Null when the text names no code.
 */
export function firefoxErrorCode(text: string): string | null {
  return NSS_CODE.exec(text)?.[0] ?? NS_RESULT.exec(text)?.[0] ?? null
}

/**
 * What Firefox's own error page says, from its URL: about:certerror and
 * about:neterror carry the error kind in `e=` (nssBadCert, nssFailure2,
 * netReset…) and the description in `d=` (docshell/base/nsDocShell.cpp
 * DisplayLoadError). Null for any other page.
 */
export function errorPageCode(documentUri: string): string | null {
  const match = /^about:(certerror|neterror)\?(.*)$/.exec(documentUri)
  if (match === null) return null
  const params = new URLSearchParams(match[2] ?? '')
  const description = (params.get('d') ?? '').trim()
  const code = firefoxErrorCode(description)
  return `about:${match[1] ?? ''} e=${params.get('e') ?? '?'}${code === null ? (description === '' ? '' : `: ${description.slice(0, 160)}`) : `: ${code}`}`
}
