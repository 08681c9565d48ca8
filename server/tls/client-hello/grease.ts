/**
 * GREASE values (RFC 8701 §2): 0x0A0A, 0x1A1A, ... 0xFAFA for cipher suites,
 * extensions, groups, versions and signature algorithms. Both bytes are equal
 * and their low nibble is 0xA.
 */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && (value >> 8) === (value & 0xff)
}

/** GREASE ALPN identifiers (RFC 8701 §2) are the same two-byte values, as a 2-char protocol name. */
export function isGreaseAlpn(protocol: string): boolean {
  if (protocol.length !== 2) return false
  return isGrease((protocol.charCodeAt(0) << 8) | protocol.charCodeAt(1))
}

export function withoutGrease(values: readonly number[]): number[] {
  return values.filter((value) => !isGrease(value))
}
