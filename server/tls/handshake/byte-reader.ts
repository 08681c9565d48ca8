/**
 * Bounds-checked cursor over a handshake body. Reading past the end throws
 * TruncatedField, which the decoders in this folder catch at the message
 * boundary and turn into a recorded error: it never leaves the module.
 */
export class TruncatedField extends Error {
  constructor(what: string) {
    super(`truncated: ${what}`)
    this.name = 'TruncatedField'
  }
}

export class ByteReader {
  private at = 0

  constructor(private readonly bytes: Buffer) {}

  get remaining(): number {
    return this.bytes.length - this.at
  }

  get position(): number {
    return this.at
  }

  u8(what: string): number {
    return this.take(1, what).readUInt8(0)
  }

  u16(what: string): number {
    return this.take(2, what).readUInt16BE(0)
  }

  u24(what: string): number {
    return this.take(3, what).readUIntBE(0, 3)
  }

  u32(what: string): number {
    return this.take(4, what).readUInt32BE(0)
  }

  take(length: number, what: string): Buffer {
    if (length < 0 || this.at + length > this.bytes.length) throw new TruncatedField(what)
    const slice = this.bytes.subarray(this.at, this.at + length)
    this.at += length
    return slice
  }

  /** A vector with a 1-, 2- or 3-byte length prefix (RFC 8446 §3.4). */
  vector(prefixBytes: 1 | 2 | 3, what: string): Buffer {
    const length = prefixBytes === 1 ? this.u8(what) : prefixBytes === 2 ? this.u16(what) : this.u24(what)
    return this.take(length, what)
  }

  rest(): Buffer {
    return this.take(this.remaining, 'rest')
  }
}

/** Splits a vector of uint16 values. */
export function uint16List(bytes: Buffer): number[] {
  const values: number[] = []
  for (let i = 0; i + 1 < bytes.length; i += 2) values.push(bytes.readUInt16BE(i))
  return values
}
