import { request } from 'node:http'
import type { Socket } from 'node:net'

const MAX_MESSAGE_BYTES = 1024 * 1024

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface HttpRequestSpec {
  method: 'GET' | 'POST'
  /** Path and query. */
  path: string
  /** The Host header: the name the victim browses to. */
  host: string
  headers: Record<string, string>
  body?: string
}

/**
 * One HTTP/1.1 exchange on a socket the client already holds (a verified TLS
 * socket): `Connection: close`, so the response ends when the server closes
 * or its Content-Length is read. Bounded in size and time.
 */
export function exchangeOnSocket(socket: Socket, spec: HttpRequestSpec, timeoutMs: number): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0)
    const timer = setTimeout(() => done(new Error(`No complete HTTP response within ${timeoutMs} ms`)), timeoutMs)
    const done = (error: Error | null): void => {
      clearTimeout(timer)
      socket.off('data', onData)
      socket.off('close', onClose)
      socket.off('error', onError)
      if (error !== null) {
        reject(error)
        return
      }
      const parsed = parseResponse(buffer)
      if (parsed === null) reject(new Error('The connection closed before a whole HTTP response'))
      else resolve(parsed)
    }
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk])
      if (buffer.length > MAX_MESSAGE_BYTES) done(new Error('The HTTP response exceeds 1 MiB'))
      else if (isComplete(buffer)) done(null)
    }
    const onClose = (): void => done(null)
    const onError = (error: Error): void => done(error)
    socket.on('data', onData)
    socket.once('close', onClose)
    socket.once('error', onError)
    socket.write(serializeRequest(spec))
  })
}

/** The same exchange over a fresh plain-TCP connection: the http:// leg an attacker can read. */
export function exchangeOverPlainHttp(connectTo: { host: string; port: number }, spec: HttpRequestSpec, timeoutMs: number): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: connectTo.host,
        port: connectTo.port,
        method: spec.method,
        path: spec.path,
        headers: { ...requestHeaders(spec), Host: spec.host },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_MESSAGE_BYTES) outgoing.destroy(new Error('The HTTP response exceeds 1 MiB'))
          else chunks.push(chunk)
        })
        response.once('end', () => {
          const headers: Record<string, string> = {}
          for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
          resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') })
        })
        response.once('error', reject)
      },
    )
    outgoing.once('timeout', () => outgoing.destroy(new Error(`No HTTP response within ${timeoutMs} ms`)))
    outgoing.once('error', reject)
    outgoing.end(spec.body)
  })
}

function requestHeaders(spec: HttpRequestSpec): Record<string, string> {
  const body = spec.body ?? ''
  return { Connection: 'close', ...(body.length > 0 ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...spec.headers }
}

function serializeRequest(spec: HttpRequestSpec): string {
  const headers = { Host: spec.host, ...requestHeaders(spec) }
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')
  return `${spec.method} ${spec.path} HTTP/1.1\r\n${head}\r\n${spec.body ?? ''}`
}

function isComplete(buffer: Buffer): boolean {
  const end = buffer.indexOf('\r\n\r\n')
  if (end < 0) return false
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(buffer.subarray(0, end).toString('latin1'))?.[1]
  return length !== undefined && buffer.length >= end + 4 + Number(length)
}

function parseResponse(buffer: Buffer): HttpResponse | null {
  const end = buffer.indexOf('\r\n\r\n')
  if (end < 0) return null
  const { status, headers } = parseResponseHead(buffer.subarray(0, end).toString('latin1'))
  let body = buffer.subarray(end + 4)
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body)
  return { status, headers, body: body.toString('utf8') }
}

/** Status code and headers of an HTTP/1.x response head (RFC 9112 §4, §5); repeated headers are joined. */
export function parseResponseHead(head: string): { status: number; headers: Record<string, string> } {
  const [statusLine = '', ...lines] = head.split('\r\n')
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0)
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
  }
  return { status, headers }
}

/** RFC 9112 §7.1 chunked transfer coding, bounded by the buffer. */
function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = []
  let offset = 0
  for (let guard = 0; guard < 10_000 && offset < body.length; guard++) {
    const lineEnd = body.indexOf('\r\n', offset)
    if (lineEnd < 0) break
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16)
    if (!Number.isFinite(size) || size === 0) break
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size))
    offset = lineEnd + 2 + size + 2
  }
  return Buffer.concat(parts)
}
