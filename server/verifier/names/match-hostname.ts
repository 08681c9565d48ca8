import { parse as parseDomain } from 'tldts'
import { isValidDnsName } from './dns-name.js'

/**
 * Why a presented DNS identifier is unusable, or null when it is a valid
 * (possibly wildcard) name. Only the case is folded: a trailing dot is kept,
 * so "bank.lab." is refused. RFC 5280 §4.2.1.6 requires the preferred name
 * syntax of RFC 1034 §3.5 for a dNSName, which has no empty label, and every
 * real client (curl, OpenSSL's X509_check_host, Python, wget, Chromium) and
 * rustls-webpki (which allows the dot only on a reference name) reject it.
 */
export function presentedDnsNameProblem(presented: string): string | null {
  const name = presented.toLowerCase()
  if (name.endsWith('.')) return 'trailing dot (not the preferred name syntax)'
  if (!/^[\x21-\x7e]+$/.test(name)) return 'non-ASCII, control or NUL bytes'
  if (name.startsWith('*.')) {
    const rest = name.slice(2)
    if (!isValidDnsName(rest) || rest.includes('*')) return 'invalid name after the wildcard'
    // RFC 6125 §7.2 / CA/B BR §3.2.2.6: no wildcard directly over a public suffix (ICANN or private).
    const publicSuffix = parseDomain(rest, { allowPrivateDomains: true }).publicSuffix
    if (publicSuffix === rest || !rest.includes('.')) return 'wildcard over a public suffix'
    return null
  }
  if (name.includes('*')) return 'wildcard not as the whole left-most label'
  return isValidDnsName(name) ? null : 'not a valid DNS name'
}

/**
 * RFC 6125 §6.4: a presented DNS identifier matches the reference name
 * case-insensitively; a wildcard only as the whole left-most label, standing
 * for exactly one non-empty label (§6.4.3, no partial wildcards like f*.x).
 */
export function dnsNameMatches(presented: string, reference: string): boolean {
  if (presentedDnsNameProblem(presented) !== null) return false
  const name = presented.toLowerCase()
  if (!name.startsWith('*.')) return name === reference
  const firstDot = reference.indexOf('.')
  return firstDot > 0 && reference.slice(firstDot + 1) === name.slice(2)
}
