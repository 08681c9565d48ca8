/**
 * A strict, minimal DER TLV reader (X.690 §8, §10): definite lengths only,
 * minimal length encoding, no trailing bytes. Used where exact bytes matter
 * (names compared byte for byte, GeneralNames with NULs, IP masks) and where
 * @peculiar's converters are lossy. Returns null on malformed input, never throws.
 */
export interface Tlv {
  /** The identifier octet: class bits, constructed bit and tag number (tags < 31 only). */
  identifier: number
  tagClass: number
  constructed: boolean
  tagNumber: number
  /** The contents octets. */
  value: Uint8Array
  /** The whole TLV, header included. */
  raw: Uint8Array
}

export const TAG_CLASS = { universal: 0, application: 1, context: 2, private: 3 } as const

export function readTlv(bytes: Uint8Array, offset: number): Tlv | null {
  if (offset + 2 > bytes.length) return null
  const identifier = bytes[offset] ?? 0
  // High-tag-number form (tag 31) never occurs in the structures we read.
  if ((identifier & 0x1f) === 0x1f) return null
  let cursor = offset + 1
  const first = bytes[cursor++] ?? 0
  let length = first
  if (first & 0x80) {
    const count = first & 0x7f
    // 0x80 is BER indefinite length; more than 4 length octets is absurd here.
    if (count === 0 || count > 4 || cursor + count > bytes.length) return null
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[cursor++] ?? 0)
    // DER (X.690 §10.1): the shortest length form.
    if (length < 0x80 || (bytes[cursor - count] ?? 0) === 0) return null
  }
  const end = cursor + length
  if (end > bytes.length) return null
  return {
    identifier,
    tagClass: identifier >> 6,
    constructed: (identifier & 0x20) !== 0,
    tagNumber: identifier & 0x1f,
    value: bytes.subarray(cursor, end),
    raw: bytes.subarray(offset, end),
  }
}

/** Reads exactly one TLV that spans all of `bytes`. */
export function readSingle(bytes: Uint8Array): Tlv | null {
  const tlv = readTlv(bytes, 0)
  return tlv !== null && tlv.raw.length === bytes.length ? tlv : null
}

/** The children of a constructed TLV's contents, or null if they do not tile it exactly. */
export function readChildren(contents: Uint8Array): Tlv[] | null {
  const children: Tlv[] = []
  let offset = 0
  while (offset < contents.length) {
    const child = readTlv(contents, offset)
    if (child === null) return null
    children.push(child)
    offset += child.raw.length
  }
  return children
}

/** Decodes an OBJECT IDENTIFIER's contents to dotted form (X.690 §8.19), or null. */
export function decodeOid(value: Uint8Array): string | null {
  if (value.length === 0) return null
  const arcs: number[] = []
  let current = 0
  for (let i = 0; i < value.length; i++) {
    const byte = value[i] ?? 0
    if (current === 0 && byte === 0x80) return null
    current = current * 128 + (byte & 0x7f)
    if ((byte & 0x80) === 0) {
      arcs.push(current)
      current = 0
    }
  }
  if ((value[value.length - 1] ?? 0) & 0x80) return null
  const first = arcs.shift() ?? 0
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80]
  return [...head, ...arcs].join('.')
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
}
