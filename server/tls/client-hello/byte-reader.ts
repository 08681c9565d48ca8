/**
 * A bounds-checked cursor over a byte slice, for the TLS presentation language
 * (RFC 8446 §3): fixed-width integers and length-prefixed vectors.
 *
 * Reading past the end throws `WireFormatError`, which never escapes the
 * parser: `parseClientHello` turns it into a MALFORMED value. Using a private
 * exception keeps each field read to one line; it is not part of any API.
 */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError'
}

export class ByteReader {
  private offset = 0

  constructor(private readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.offset
  }

  get isAtEnd(): boolean {
    return this.offset === this.bytes.length
  }

  u8(what: string): number {
    return this.take(1, what)[0] ?? 0
  }

  u16(what: string): number {
    const b = this.take(2, what)
    return ((b[0] ?? 0) << 8) | (b[1] ?? 0)
  }

  u24(what: string): number {
    const b = this.take(3, what)
    return ((b[0] ?? 0) << 16) | ((b[1] ?? 0) << 8) | (b[2] ?? 0)
  }

  take(length: number, what: string): Uint8Array {
    if (length > this.remaining) {
      throw new WireFormatError(`${what}: needs ${length} bytes, ${this.remaining} left`)
    }
    const slice = this.bytes.subarray(this.offset, this.offset + length)
    this.offset += length
    return slice
  }

  /** A vector with a `prefixBytes`-wide length (opaque x<a..b>), returned as its own reader. */
  vector(prefixBytes: 1 | 2 | 3, what: string, min = 0): ByteReader {
    const length = prefixBytes === 1 ? this.u8(what) : prefixBytes === 2 ? this.u16(what) : this.u24(what)
    if (length < min) throw new WireFormatError(`${what}: length ${length} is below the minimum ${min}`)
    return new ByteReader(this.take(length, what))
  }

  /** Reads the whole reader as a list of `width`-byte integers; the length must divide evenly. */
  intList(width: 1 | 2, what: string): number[] {
    if (this.remaining % width !== 0) {
      throw new WireFormatError(`${what}: length ${this.remaining} is not a multiple of ${width}`)
    }
    const values: number[] = []
    // Bounded: each iteration consumes `width` bytes of a finite slice.
    while (!this.isAtEnd) values.push(width === 1 ? this.u8(what) : this.u16(what))
    return values
  }

  expectEnd(what: string): void {
    if (!this.isAtEnd) throw new WireFormatError(`${what}: ${this.remaining} unexpected trailing bytes`)
  }
}
