import type { ClientHelloParse } from './types.js'

/** RFC 8446 §5.1: a TLSPlaintext record header is type(1) version(2) length(2). */
export const RECORD_HEADER_BYTES = 5
/** RFC 8446 §5.1: "The length MUST NOT exceed 2^14 bytes." */
export const MAX_RECORD_FRAGMENT_BYTES = 16_384
/** Lab bound on the ClientHello body; real hellos, even with ML-KEM key shares, are < 3 KiB. */
export const MAX_HELLO_BODY_BYTES = 16_384
/** Lab bound: more records than this for one hello is an attack on the parser, not a client. */
export const MAX_HELLO_RECORDS = 64
/** Largest number of raw bytes a ClientHello may occupy on the wire under these bounds. */
export const MAX_CLIENT_HELLO_WIRE_BYTES = 4 + MAX_HELLO_BODY_BYTES + RECORD_HEADER_BYTES * MAX_HELLO_RECORDS

const CONTENT_TYPE_HANDSHAKE = 22
/** RFC 8446 §5.1 / RFC 6520: change_cipher_spec, alert, handshake, application_data, heartbeat. */
const TLS_CONTENT_TYPES = new Set([20, 21, 22, 23, 24])
const HANDSHAKE_CLIENT_HELLO = 1

export type HandshakeAssembly =
  | { ok: true; message: Uint8Array; consumedBytes: number; recordCount: number; recordVersion: number }
  | Exclude<ClientHelloParse, { ok: true }>

/**
 * Joins the fragments of the first handshake message from consecutive TLS
 * records and checks it is a ClientHello. RFC 8446 §5.1: a handshake message
 * may span records, but records of another type MUST NOT be interleaved.
 */
export function assembleClientHelloMessage(bytes: Uint8Array): HandshakeAssembly {
  const fragments: Uint8Array[] = []
  let collected = 0
  let offset = 0
  let messageBytes: number | undefined
  let recordVersion = 0

  for (let recordCount = 0; recordCount < MAX_HELLO_RECORDS; recordCount++) {
    const available = bytes.length - offset
    const isFirst = recordCount === 0
    const type = bytes[offset]
    if (type === undefined) return incomplete(RECORD_HEADER_BYTES, 'Waiting for a TLS record header')
    if (type !== CONTENT_TYPE_HANDSHAKE) {
      if (!isFirst) return fail('MALFORMED', `A record of type ${type} interrupts the ClientHello (RFC 8446 §5.1)`)
      if (!TLS_CONTENT_TYPES.has(type)) {
        const hint = (type & 0x80) !== 0 ? ' (an SSLv2-style record header)' : ''
        return fail('NOT_TLS', `First byte 0x${hex2(type)} is not a TLS record type${hint}`)
      }
      return fail('NOT_HANDSHAKE', `The first record has content type ${type}, not handshake (22)`)
    }
    const major = bytes[offset + 1]
    if (major !== undefined && major !== 3) {
      return fail(isFirst ? 'NOT_TLS' : 'MALFORMED', `Record version major byte is ${major}, not 3`)
    }
    if (available < RECORD_HEADER_BYTES) {
      return incomplete(RECORD_HEADER_BYTES - available, 'Waiting for the rest of a TLS record header')
    }
    const version = ((bytes[offset + 1] ?? 0) << 8) | (bytes[offset + 2] ?? 0)
    const length = ((bytes[offset + 3] ?? 0) << 8) | (bytes[offset + 4] ?? 0)
    if (length > MAX_RECORD_FRAGMENT_BYTES) {
      return fail('TOO_LARGE', `Record length ${length} exceeds 2^14 (RFC 8446 §5.1)`)
    }
    if (length === 0) return fail('MALFORMED', 'Zero-length handshake record (RFC 8446 §5.1)')
    if (available < RECORD_HEADER_BYTES + length) {
      return incomplete(RECORD_HEADER_BYTES + length - available, 'Waiting for the rest of a TLS record')
    }
    if (isFirst) recordVersion = version
    fragments.push(bytes.subarray(offset + RECORD_HEADER_BYTES, offset + RECORD_HEADER_BYTES + length))
    collected += length
    offset += RECORD_HEADER_BYTES + length

    if (messageBytes === undefined && collected >= 4) {
      const head = concat(fragments, 4)
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) {
        return fail('NOT_HANDSHAKE', `Handshake message type ${head[0] ?? -1} is not client_hello (1)`)
      }
      const bodyLength = ((head[1] ?? 0) << 16) | ((head[2] ?? 0) << 8) | (head[3] ?? 0)
      if (bodyLength > MAX_HELLO_BODY_BYTES) {
        return fail('TOO_LARGE', `ClientHello body of ${bodyLength} bytes exceeds the ${MAX_HELLO_BODY_BYTES}-byte bound`)
      }
      messageBytes = 4 + bodyLength
    }
    if (messageBytes !== undefined && collected >= messageBytes) {
      // RFC 8446 §4: nothing may follow the ClientHello in the client's first flight.
      if (collected > messageBytes) return fail('MALFORMED', 'Handshake data follows the ClientHello in its record')
      return { ok: true, message: concat(fragments, messageBytes), consumedBytes: offset, recordCount: recordCount + 1, recordVersion }
    }
  }
  return fail('TOO_LARGE', `The ClientHello spans more than ${MAX_HELLO_RECORDS} records`)
}

function concat(fragments: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length)
  let at = 0
  for (const fragment of fragments) {
    if (at >= length) break
    const part = fragment.subarray(0, length - at)
    out.set(part, at)
    at += part.length
  }
  return out
}

function hex2(value: number): string {
  return value.toString(16).padStart(2, '0')
}

function fail(code: 'NOT_TLS' | 'NOT_HANDSHAKE' | 'MALFORMED' | 'TOO_LARGE', message: string): HandshakeAssembly {
  return { ok: false, code, message }
}

function incomplete(needBytes: number, message: string): HandshakeAssembly {
  return { ok: false, code: 'INCOMPLETE', needBytes, message }
}
