import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'

/**
 * What an attacker's proxy read of one request and its response, the way
 * mitmweb shows a flow: each message's head and decoded body, on the leg it
 * was read from. Kept only where the proxy could read the plaintext (a
 * terminated TLS connection, or plain HTTP an sslstrip proxy answers).
 */
export interface ProxyFlow {
  request: FlowRequest
  /** Null while no response was read for it (the client hung up, or the server never answered). */
  response: FlowResponse | null
}

export interface FlowRequest {
  /** The leg the proxy read it from: the victim's connection to the proxy. */
  leg: 'client → proxy'
  method: string
  /** The request target as sent (origin-form: path and query). */
  path: string
  host: string | null
  headers: FlowHeader[]
  body: FlowBody | null
}

export interface FlowResponse {
  /** The leg the proxy read it from: the genuine server's (or the site's plain-HTTP) answer to the proxy. */
  leg: 'bank → proxy'
  status: number
  reason: string
  headers: FlowHeader[]
  body: FlowBody | null
}

export interface FlowHeader {
  name: string
  value: string
  /** A header that carries a secret the moment an attacker reads it (cookies, Authorization). */
  isCredential: boolean
}

/** A message body as the proxy decoded it. At most MAX_FLOW_BODY_BYTES of it are kept; `truncated` says when more came. */
export interface FlowBody {
  /** form: application/x-www-form-urlencoded fields; json: parsed and re-indented; text: as is; binary: only its size. */
  kind: 'form' | 'json' | 'text' | 'binary'
  contentType: string
  /** Bytes of the body on the wire (after de-chunking, before content decoding). */
  size: number
  /** More than MAX_FLOW_BODY_BYTES arrived: only the first ones are shown. */
  truncated: boolean
  /** The content-coding it came in when that could not be undone (e.g. a truncated gzip stream). */
  undecodedEncoding?: string
  text?: string
  fields?: { name: string; value: string; isCredential: boolean }[]
}

/** Bytes of a body kept for display: a login form, a JSON answer and a small page fit. */
export const MAX_FLOW_BODY_BYTES = 16 * 1024
/** Flows kept per connection: the first ones are the ones a trainee reads (the login); the rest are counted. */
export const MAX_FLOWS_PER_CONNECTION = 200

/** Field names whose values are a login's secrets or its user (the recorder's credential rule). */
export const SECRET_FIELDS = /^(pass(word)?|passwd|pwd|pin|secret|token|otp)$/i
export const USER_FIELDS = /^(user(name)?|login|email|account)$/i
const SECRET_HEADERS = new Set(['cookie', 'set-cookie', 'authorization', 'proxy-authorization'])

/** Raw headers (name, value, name, value…) as flow headers, the secret-bearing ones flagged. */
export function flowHeaders(rawHeaders: readonly string[]): FlowHeader[] {
  const headers: FlowHeader[] = []
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] ?? ''
    headers.push({ name, value: rawHeaders[index + 1] ?? '', isCredential: SECRET_HEADERS.has(name.toLowerCase()) })
  }
  return headers
}

/** An isCredential rule for a body field: the same fields the recorder lists as credentials. */
export function isCredentialField(name: string): boolean {
  return SECRET_FIELDS.test(name) || USER_FIELDS.test(name)
}

/**
 * Decodes what was kept of a body by its Content-Type (media types are
 * case-insensitive and carry parameters, RFC 9110 §8.3.1) after undoing its
 * Content-Encoding (RFC 9110 §8.4) when the kept bytes are the whole body.
 */
export function decodeBody(kept: Buffer, size: number, contentType: string, contentEncoding: string): FlowBody | null {
  if (size === 0) return null
  const type = contentType.toLowerCase()
  const truncated = size > kept.length
  const encoding = contentEncoding.toLowerCase().trim()
  let bytes = kept
  let undecodedEncoding: string | undefined
  if (encoding !== '' && encoding !== 'identity') {
    const decoded = truncated ? null : undoEncoding(kept, encoding)
    if (decoded === null) undecodedEncoding = encoding
    else bytes = decoded.subarray(0, MAX_FLOW_BODY_BYTES)
  }
  const base = { contentType, size, truncated, ...(undecodedEncoding === undefined ? {} : { undecodedEncoding }) }
  if (undecodedEncoding !== undefined) return { ...base, kind: 'binary' }
  const text = bytes.toString('utf8')
  if (type.includes('x-www-form-urlencoded')) {
    const fields = [...new URLSearchParams(text).entries()].map(([name, value]) => ({ name, value, isCredential: isCredentialField(name) }))
    return { ...base, kind: 'form', text, fields }
  }
  if (type.includes('json')) {
    try {
      const value: unknown = JSON.parse(text)
      const fields =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? Object.entries(value)
              .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
              .map(([name, field]) => ({ name, value: field, isCredential: isCredentialField(name) }))
          : []
      return { ...base, kind: 'json', text: JSON.stringify(value, null, 2), fields }
    } catch {
      // Cut short or not JSON after all: shown as the text it is.
      return { ...base, kind: 'text', text }
    }
  }
  if (type === '' || /^text\/|xml|javascript|html/.test(type)) return { ...base, kind: 'text', text }
  return { ...base, kind: 'binary' }
}

function undoEncoding(bytes: Buffer, encoding: string): Buffer | null {
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(bytes)
    if (encoding === 'deflate') return inflateSync(bytes)
    if (encoding === 'br') return brotliDecompressSync(bytes)
    return null
  } catch {
    // A body that does not decode as it claims: shown by its size only.
    return null
  }
}

/** Accumulates one message's body, bounded: the first MAX_FLOW_BODY_BYTES kept, every byte counted. */
export class BodyBuffer {
  private chunks: Buffer[] = []
  private kept = 0
  size = 0

  push(chunk: Buffer): void {
    this.size += chunk.length
    if (this.kept >= MAX_FLOW_BODY_BYTES) return
    const part = chunk.subarray(0, MAX_FLOW_BODY_BYTES - this.kept)
    this.chunks.push(Buffer.from(part))
    this.kept += part.length
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks)
  }
}
