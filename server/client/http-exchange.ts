import type { TLSSocket } from 'node:tls'
import { parseResponseHead } from './http-message.js'

const MAX_RESPONSE_HEAD_BYTES = 64 * 1024

export interface HttpResponseHead {
  status: number
  headers: Record<string, string>
}

/**
 * Sends one HTTP/1.1 request on an established TLS socket and reads the
 * response head. Hand-rolled on purpose: the client owns the socket it has
 * just verified, and http.request would open its own.
 */
export function exchangeHttp(
  socket: TLSSocket,
  request: { method: string; path: string; host: string; headers: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<HttpResponseHead> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0)
    const timer = setTimeout(() => fail(new Error(`No HTTP response within ${timeoutMs} ms`)), timeoutMs)
    const cleanup = (): void => {
      clearTimeout(timer)
      socket.off('data', onData)
      socket.off('error', fail)
      socket.off('close', onClose)
    }
    function fail(error: Error): void {
      cleanup()
      reject(error)
    }
    function onClose(): void {
      fail(new Error('The server closed the connection before a response'))
    }
    function onData(chunk: Buffer): void {
      buffer = Buffer.concat([buffer, chunk])
      const end = buffer.indexOf('\r\n\r\n')
      if (end < 0) {
        if (buffer.length > MAX_RESPONSE_HEAD_BYTES) fail(new Error('The response head exceeds 64 KiB'))
        return
      }
      cleanup()
      resolve(parseResponseHead(buffer.subarray(0, end).toString('latin1')))
    }
    socket.on('data', onData)
    socket.once('error', fail)
    socket.once('close', onClose)
    const body = request.body ?? ''
    const headers = {
      Host: request.host,
      Connection: 'close',
      ...(body.length > 0 ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}),
      ...request.headers,
    }
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')
    socket.write(`${request.method} ${request.path} HTTP/1.1\r\n${head}\r\n${body}`)
  })
}
