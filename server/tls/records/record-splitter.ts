import {
  MAX_RECORD_PAYLOAD,
  RECORD_HEADER_LENGTH,
  type RecordError,
  type TlsRecord,
} from './record-types.js'

export interface RecordSplitterOptions {
  /** Default MAX_RECORD_PAYLOAD (2^14+256). */
  maxPayload?: number
}

export interface SplitResult {
  /** Records completed by this push, in stream order. */
  records: TlsRecord[]
  /** Set once the stream is unframeable; the splitter then stops consuming. */
  error?: RecordError
}

/**
 * Incremental TLS record framer over a byte stream: push chunks as they
 * arrive, get whole records back. Memory is bounded by one header plus one
 * maximal record. It never throws on garbage: an impossible header (unknown
 * content type, a version major other than 3, an oversized length) is an
 * error value and the splitter refuses further input, because a stream that
 * lost its framing cannot be re-synchronised (RFC 8446 §5.1).
 */
export class RecordSplitter {
  private pending: Buffer = Buffer.alloc(0)
  private consumed = 0
  private failure: RecordError | undefined
  private readonly maxPayload: number

  constructor(options: RecordSplitterOptions = {}) {
    this.maxPayload = options.maxPayload ?? MAX_RECORD_PAYLOAD
  }

  get error(): RecordError | undefined {
    return this.failure
  }

  /** Bytes received but not yet part of a whole record. */
  get bufferedLength(): number {
    return this.pending.length
  }

  /** Hands back (and forgets) the unframed bytes, e.g. to pass them through after an error. */
  drainBuffered(): Buffer {
    const rest = this.pending
    this.pending = Buffer.alloc(0)
    return rest
  }

  push(chunk: Uint8Array): SplitResult {
    if (this.failure) return { records: [], error: this.failure }
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk])
    const records: TlsRecord[] = []
    while (this.pending.length >= RECORD_HEADER_LENGTH) {
      const type = this.pending.readUInt8(0)
      const version = this.pending.readUInt16BE(1)
      const length = this.pending.readUInt16BE(3)
      const problem = headerProblem(type, version, length, this.maxPayload, this.consumed)
      if (problem) {
        this.failure = problem
        return { records, error: problem }
      }
      const total = RECORD_HEADER_LENGTH + length
      if (this.pending.length < total) break
      const raw = Buffer.from(this.pending.subarray(0, total))
      records.push({ type, version, payload: raw.subarray(RECORD_HEADER_LENGTH), offset: this.consumed, raw })
      this.pending = this.pending.subarray(total)
      this.consumed += total
    }
    return { records }
  }

  /** Call at end of stream: leftover bytes mean the last record was cut short. */
  end(): RecordError | undefined {
    if (this.failure) return this.failure
    if (this.pending.length === 0) return undefined
    this.failure = {
      code: 'TRUNCATED_RECORD',
      offset: this.consumed,
      message: `stream ended inside a record: ${this.pending.length} byte(s) left over`,
    }
    return this.failure
  }
}

function headerProblem(
  type: number,
  version: number,
  length: number,
  maxPayload: number,
  offset: number,
): RecordError | undefined {
  if (type < 20 || type > 24) {
    return { code: 'UNKNOWN_CONTENT_TYPE', offset, message: `unknown record content type ${type}` }
  }
  // Every TLS and SSLv3 record version has major 3 (RFC 8446 §5.1 legacy_record_version).
  if (version >> 8 !== 3) {
    return { code: 'BAD_RECORD_VERSION', offset, message: `record version 0x${version.toString(16)} is not 3.x` }
  }
  if (length > maxPayload) {
    return { code: 'RECORD_OVERFLOW', offset, message: `record length ${length} exceeds ${maxPayload}` }
  }
  return undefined
}

/** Frames a whole captured stream at once. */
export function splitRecords(stream: Uint8Array, options: RecordSplitterOptions = {}): SplitResult {
  const splitter = new RecordSplitter(options)
  const { records, error } = splitter.push(stream)
  const endError = error ?? splitter.end()
  return endError ? { records, error: endError } : { records }
}

/** Builds one record: 5-byte header + payload (RFC 8446 §5.1). */
export function encodeRecord(type: number, version: number, payload: Uint8Array): Buffer {
  const header = Buffer.alloc(RECORD_HEADER_LENGTH)
  header.writeUInt8(type, 0)
  header.writeUInt16BE(version, 1)
  header.writeUInt16BE(payload.length, 3)
  return Buffer.concat([header, payload])
}
