import { domainToASCII } from 'node:url'

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/

/** Lowercases and drops one trailing dot (RFC 6125 §6.2.1: the absolute form compares equal). */
export function normalizeDnsName(name: string): string {
  const lower = name.toLowerCase()
  return lower.endsWith('.') ? lower.slice(0, -1) : lower
}

/**
 * A syntactically valid DNS name in ASCII (A-labels), RFC 1035 §2.3.1 with
 * underscores tolerated as in practice (rustls-webpki does the same for
 * reference names), at most 253 octets.
 */
export function isValidDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false
  const labels = name.split('.')
  if (labels.every((label) => /^[0-9]+$/.test(label))) return false
  return labels.every((label) => LABEL.test(label))
}

/** The reference identifier in A-label form (RFC 5891), or null when it cannot be one. */
export function toReferenceDnsName(expected: string): string | null {
  const ascii = /^[\x21-\x7e]*$/.test(expected) ? expected : domainToASCII(expected)
  const name = normalizeDnsName(ascii)
  return isValidDnsName(name) ? name : null
}
