/** TLS record content types (RFC 8446 §5.1, RFC 5246 §6.2.1). */
export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
  heartbeat: 24,
} as const

export type ContentTypeName = keyof typeof ContentType

export const RECORD_HEADER_LENGTH = 5

/**
 * The largest record payload a receiver must accept: 2^14 plaintext plus 256
 * bytes of AEAD expansion (RFC 8446 §5.2; RFC 5246 §6.2.3 allows 2^14+2048
 * for TLS 1.2 CBC, which no suite the lab decodes uses).
 */
export const MAX_RECORD_PAYLOAD = 2 ** 14 + 256

/** One record as framed on the wire. `offset` is where its header starts in the stream. */
export interface TlsRecord {
  type: number
  /** legacy_record_version, e.g. 0x0303. */
  version: number
  payload: Buffer
  offset: number
  /** The whole record, header included, exactly as received. */
  raw: Buffer
}

export type RecordErrorCode = 'UNKNOWN_CONTENT_TYPE' | 'BAD_RECORD_VERSION' | 'RECORD_OVERFLOW' | 'TRUNCATED_RECORD'

export interface RecordError {
  code: RecordErrorCode
  /** Stream offset of the offending header. */
  offset: number
  message: string
}

export function contentTypeName(type: number): string {
  for (const [name, value] of Object.entries(ContentType)) if (value === type) return name
  return `unknown(${type})`
}
