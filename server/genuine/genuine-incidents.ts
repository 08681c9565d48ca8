import type { Server } from 'node:https'
import type { Socket } from 'node:net'
import type { ErrorRequestHandler } from 'express'

/**
 * What a hostile or broken peer did to the genuine server. Each is an expected
 * event, recorded once per connection (the runner logs it), never a crash.
 */
export type GenuineIncidentType =
  /** The TCP connection sent no complete ClientHello in time (idle peer). */
  | 'handshake-timeout'
  /** The peer hung up before the TLS handshake finished. */
  | 'handshake-abandoned'
  /** The bytes were not an acceptable TLS handshake (garbage, plain HTTP, bad versions). */
  | 'handshake-failed'
  /** No complete request head in time: slowloris, or an idle TLS connection (HTTP 408). */
  | 'request-timeout'
  /** The request head exceeded the server's header limit (HTTP 431). */
  | 'headers-too-large'
  /** The bytes after TLS were not HTTP/1.1 (HTTP 400). */
  | 'malformed-request'
  /** The peer vanished while its request head was still arriving. */
  | 'client-vanished'
  /** The body exceeded the site's limit (HTTP 413). */
  | 'body-too-large'
  /** The peer hung up in the middle of the body. */
  | 'body-aborted'
  /** The body could not be parsed (HTTP 400). */
  | 'malformed-body'
  /** The server was at its connection limit and closed the connection at once. */
  | 'connection-refused'

export interface GenuineIncident {
  type: GenuineIncidentType
  message: string
  /** Node's, OpenSSL's, llhttp's or body-parser's code, e.g. 'HPE_HEADER_OVERFLOW'. */
  code: string | null
  remoteAddress: string | null
}

export type ReportIncident = (incident: GenuineIncident) => void

/** `tlsClientError`: the handshake never completed. */
export function classifyTlsClientError(error: NodeJS.ErrnoException): GenuineIncidentType {
  if (error.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return 'handshake-timeout'
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return 'handshake-abandoned'
  return 'handshake-failed'
}

/** `clientError` after the handshake: the HTTP layer gave up on the connection (llhttp codes are HPE_*). */
export function classifyClientError(error: NodeJS.ErrnoException): GenuineIncidentType {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request-timeout'
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'headers-too-large'
  // llhttp reports a connection that ends inside a request as HPE_INVALID_EOF_STATE.
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || error.code === 'HPE_INVALID_EOF_STATE') return 'client-vanished'
  return 'malformed-request'
}

/** The status line Node's own clientError handler would send. */
function clientErrorStatus(type: GenuineIncidentType): string {
  if (type === 'headers-too-large') return '431 Request Header Fields Too Large'
  if (type === 'request-timeout') return '408 Request Timeout'
  return '400 Bad Request'
}

/**
 * Records every connection-level incident of an HTTPS server once, and answers
 * HTTP-level ones the way Node would. Node's https server forwards TLS errors
 * to `clientError` too, so the phase is told apart by whether the socket ever
 * completed its handshake. Returns the live connection count.
 */
export function recordConnectionIncidents(server: Server, report: ReportIncident): { connectionCount(): number; sockets: Set<Socket> } {
  const sockets = new Set<Socket>()
  const secured = new WeakSet<Socket>()
  const reported = new WeakSet<Socket>()
  /** Sockets with a request in progress: a vanishing body is reported by the site (body-aborted). */
  const inRequest = new WeakSet<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  server.on('secureConnection', (socket: Socket) => secured.add(socket))
  server.on('request', (request: { socket: Socket }, response: { once(event: 'close', listener: () => void): void }) => {
    inRequest.add(request.socket)
    response.once('close', () => inRequest.delete(request.socket))
  })
  server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    report({ type: classifyTlsClientError(error), message: error.message, code: error.code ?? null, remoteAddress: socket.remoteAddress ?? null })
  })
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (secured.has(socket) && !reported.has(socket)) {
      const type = classifyClientError(error)
      reported.add(socket)
      if (!(type === 'client-vanished' && inRequest.has(socket))) {
        report({ type, message: error.message, code: error.code ?? null, remoteAddress: socket.remoteAddress ?? null })
      }
      if (socket.writable && type !== 'client-vanished') socket.end(`HTTP/1.1 ${clientErrorStatus(type)}\r\nConnection: close\r\n\r\n`)
    }
    // A peer that will not read our answer is let go of shortly after.
    setTimeout(() => socket.destroy(), 1_000).unref()
  })
  return { connectionCount: () => sockets.size, sockets }
}

/**
 * body-parser's errors (https://github.com/expressjs/body-parser#errors):
 * recorded and answered here, so a flood of them is not a flood of stack
 * traces from express's default handler.
 */
export function recordBodyIncidents(report: ReportIncident): ErrorRequestHandler {
  return (error: { type?: unknown; message?: string; status?: unknown }, request, response, next) => {
    const type = error.type === 'entity.too.large' ? 'body-too-large' : error.type === 'request.aborted' ? 'body-aborted' : typeof error.type === 'string' && error.status === 400 ? 'malformed-body' : null
    if (type === null) return next(error)
    report({ type, message: error.message ?? type, code: String(error.type), remoteAddress: request.socket.remoteAddress ?? null })
    if (type === 'body-aborted') return void request.socket.destroy()
    response.status(type === 'body-too-large' ? 413 : 400).set('Connection', 'close').type('text').send(type === 'body-too-large' ? 'Payload Too Large' : 'Bad Request')
  }
}
