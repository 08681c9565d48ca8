import { domainToASCII } from 'node:url'

/** RFC 1034 §3.5 / RFC 1123 §2.1 preferred name syntax label: letters, digits, inner hyphens. */
const STRICT_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/
/** Reference names may carry underscores (SRV-style and internal hosts), as rustls-webpki allows. */
const LENIENT_LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/

/**
 * Lowercases and drops one trailing dot (RFC 6125 §6.2.1: the absolute form compares equal).
 * For reference names and name-constraint comparisons only: a presented
 * dNSName with a trailing dot is invalid (see presentedDnsNameProblem).
 */
export function normalizeDnsName(name: string): string {
  const lower = name.toLowerCase()
  return lower.endsWith('.') ? lower.slice(0, -1) : lower
}

/**
 * A syntactically valid DNS name in ASCII (A-labels), at most 253 octets, not
 * all-numeric (which would be an IP address). `strict` applies the preferred
 * name syntax RFC 5280 §4.2.1.6 requires of a dNSName; otherwise underscores pass.
 */
export function isValidDnsName(name: string, strict = true): boolean {
  if (name.length === 0 || name.length > 253) return false
  const labels = name.split('.')
  if (labels.every((label) => /^[0-9]+$/.test(label))) return false
  const label = strict ? STRICT_LABEL : LENIENT_LABEL
  return labels.every((l) => label.test(l))
}

/** The reference identifier in A-label form (RFC 5891), or null when it cannot be one. */
export function toReferenceDnsName(expected: string): string | null {
  const ascii = /^[\x21-\x7e]*$/.test(expected) ? expected : domainToASCII(expected)
  const name = normalizeDnsName(ascii)
  return isValidDnsName(name, false) ? name : null
}
