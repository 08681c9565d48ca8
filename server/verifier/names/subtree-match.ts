import { normalizeDnsName } from './dns-name.js'
import type { GeneralName } from '../../x509/types.js'

/**
 * RFC 5280 §4.2.1.10 dNSName: a name is within the subtree when it equals the
 * base or ends with "." + base; an empty base matches every name. A wildcard
 * presented name "*.x" is compared as the literal labels.
 */
export function dnsWithinSubtree(name: string, base: string): boolean {
  const n = normalizeDnsName(name)
  const b = normalizeDnsName(base)
  if (b === '') return true
  return n === b || n.endsWith(`.${b}`)
}

/**
 * For exclusions, a wildcard "*.x" also collides with an excluded base one
 * label below x ("bad.x"), since it would match it (CVE-2025-61727, Go crypto/x509).
 */
export function dnsMayOverlapSubtree(name: string, base: string): boolean {
  if (dnsWithinSubtree(name, base)) return true
  const n = normalizeDnsName(name)
  if (!n.startsWith('*.')) return false
  const b = normalizeDnsName(base)
  const firstDot = b.indexOf('.')
  return firstDot > 0 && b.slice(firstDot + 1) === n.slice(2)
}

/** RFC 5280 §4.2.1.10 iPAddress: same family, and equal under the base's mask. */
export function ipWithinSubtree(address: Uint8Array, base: Uint8Array): boolean {
  if (base.length !== address.length * 2) return false
  for (let i = 0; i < address.length; i++) {
    const mask = base[address.length + i] ?? 0
    if (((address[i] ?? 0) & mask) !== ((base[i] ?? 0) & mask)) return false
  }
  return true
}

/** A base is 8 or 32 bytes with a contiguous CIDR mask (RFC 5280 §4.2.1.10, RFC 4632). */
export function isValidIpBase(base: Uint8Array): boolean {
  if (base.length !== 8 && base.length !== 32) return false
  const mask = Array.from(base.subarray(base.length / 2))
  const bits = mask.map((byte) => byte.toString(2).padStart(8, '0')).join('')
  return /^1*0*$/.test(bits)
}

/** RFC 5280 §4.2.1.10 rfc822Name: a mailbox, a host, or ".domain" for any subdomain. */
export function emailWithinSubtree(email: string, base: string): boolean {
  const at = email.lastIndexOf('@')
  if (at <= 0) return false
  const local = email.slice(0, at)
  const host = email.slice(at + 1).toLowerCase()
  if (base.includes('@')) {
    const baseAt = base.lastIndexOf('@')
    return local === base.slice(0, baseAt) && host === base.slice(baseAt + 1).toLowerCase()
  }
  const b = base.toLowerCase()
  if (b.startsWith('.')) return host.endsWith(b)
  return host === b
}

/** RFC 5280 §4.2.1.10 URI: the host part, with ".domain" meaning any subdomain. */
export function uriWithinSubtree(uri: string, base: string): boolean {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri)
  const host = match?.[1]?.toLowerCase()
  if (host === undefined || host === '' || host.startsWith('[')) return false
  const b = base.toLowerCase()
  return b.startsWith('.') ? host.endsWith(b) : host === b
}

/** RFC 5280 §4.2.1.10 directoryName: the name starts with the base's RDNs (§7.1 comparison, case-folded). */
export function dnWithinSubtree(name: GeneralName & { type: 'dn' }, base: GeneralName & { type: 'dn' }): boolean {
  if (base.name.length > name.name.length) return false
  const fold = (value: string): string => value.trim().replace(/\s+/g, ' ').toLowerCase()
  return base.name.every((rdn, i) => {
    const other = name.name[i]
    if (other === undefined || other.length !== rdn.length) return false
    return rdn.every((a) => other.some((b) => b.oid === a.oid && fold(b.value) === fold(a.value)))
  })
}
