import { isIPv4, isIPv6 } from 'node:net'

/**
 * Parses an IP literal to network-order bytes: dotted-quad IPv4 without
 * leading zeros (RFC 3986 §3.2.2 dec-octet), or IPv6 (RFC 4291 §2.2), no zone.
 * Anything else, including hex or octal forms, is null.
 */
export function parseIpAddress(text: string): Uint8Array | null {
  if (isIPv4(text)) {
    const parts = text.split('.')
    if (parts.some((part) => part.length > 1 && part.startsWith('0'))) return null
    return Uint8Array.from(parts.map(Number))
  }
  if (!isIPv6(text) || text.includes('%')) return null
  let hex = text
  const lastColon = text.lastIndexOf(':')
  if (text.includes('.')) {
    // RFC 4291 §2.2 form 3: the low 32 bits as dotted quad; rewrite them as two hex groups.
    const v4 = parseIpAddress(text.slice(lastColon + 1))
    if (v4 === null) return null
    const high = (((v4[0] ?? 0) << 8) | (v4[1] ?? 0)).toString(16)
    const low = (((v4[2] ?? 0) << 8) | (v4[3] ?? 0)).toString(16)
    hex = `${text.slice(0, lastColon + 1)}${high}:${low}`
  }
  const halves = hex.split('::')
  const toGroups = (s: string | undefined): number[] => (s === undefined || s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)))
  const left = toGroups(halves[0])
  const right = toGroups(halves[1])
  const zeros = halves.length === 2 ? 8 - left.length - right.length : 0
  const groups = [...left, ...Array<number>(zeros).fill(0), ...right]
  if (groups.length !== 8) return null
  const bytes = new Uint8Array(16)
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8
    bytes[2 * i + 1] = group & 0xff
  })
  return bytes
}
