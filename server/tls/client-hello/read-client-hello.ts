import type { Socket } from 'node:net'
import { parseClientHello } from './parse-client-hello.js'
import { MAX_CLIENT_HELLO_WIRE_BYTES } from './record-assembly.js'
import type { ClientHelloParse } from './types.js'

export interface ReadClientHelloParams {
  /** Give up with TIMEOUT after this long without a whole hello. */
  timeoutMs: number
  /** Stop reading (TOO_LARGE) past this many bytes. Default and ceiling: MAX_CLIENT_HELLO_WIRE_BYTES. */
  maxBytes?: number
}

export interface ReadClientHelloResult {
  hello: ClientHelloParse
  /** Every byte read from the socket, to hand back with `socket.unshift(bytes)`. */
  bytes: Buffer
}

/**
 * Reads raw bytes from a fresh server-side socket until they hold a whole
 * ClientHello, an error, a timeout or the peer's close, then pauses the socket.
 * The caller puts the bytes back with `socket.unshift(bytes)` and wraps the
 * socket in `new tls.TLSSocket(socket, { isServer: true })`, which replays
 * buffered bytes into the TLS engine (node lib/_tls_wrap.js `initRead`).
 * Resolves, never rejects: every outcome is a ClientHelloParse value.
 *
 * @example
 * const { hello, bytes } = await readClientHello(socket, { timeoutMs: 5000 })
 * socket.unshift(bytes)
 * const tlsSocket = new tls.TLSSocket(socket, { isServer: true, secureContext })
 */
export function readClientHello(socket: Socket, params: ReadClientHelloParams): Promise<ReadClientHelloResult> {
  const maxBytes = Math.min(params.maxBytes ?? MAX_CLIENT_HELLO_WIRE_BYTES, MAX_CLIENT_HELLO_WIRE_BYTES)
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let total = 0
    let isDone = false

    const finish = (hello: ClientHelloParse): void => {
      if (isDone) return
      isDone = true
      clearTimeout(timer)
      socket.pause()
      socket.off('data', onData)
      socket.off('end', onEnd)
      socket.off('close', onEnd)
      socket.off('error', onError)
      resolve({ hello, bytes: Buffer.concat(chunks, total) })
    }
    // Re-parse only once the bytes the last parse asked for have arrived, so a peer
    // trickling one byte per packet costs one parse per record, not one per byte.
    let nextParseAt = 1
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk)
      total += chunk.length
      if (total < nextParseAt && total < maxBytes) return
      const parsed = parseClientHello(Buffer.concat(chunks, total))
      if (parsed.ok || parsed.code !== 'INCOMPLETE') return finish(parsed)
      nextParseAt = total + parsed.needBytes
      if (total >= maxBytes) {
        finish({ ok: false, code: 'TOO_LARGE', message: `No whole ClientHello within ${maxBytes} bytes` })
      }
    }
    const onEnd = (): void => {
      finish({ ok: false, code: 'TRUNCATED', message: `The peer closed after ${total} bytes, before a whole ClientHello` })
    }
    const onError = (error: Error): void => {
      finish({ ok: false, code: 'SOCKET_ERROR', message: `Socket error while reading the ClientHello: ${error.message}` })
    }
    const timer = setTimeout(() => {
      finish({ ok: false, code: 'TIMEOUT', message: `No whole ClientHello within ${params.timeoutMs} ms (${total} bytes read)` })
    }, params.timeoutMs)

    socket.on('data', onData)
    socket.once('end', onEnd)
    socket.once('close', onEnd)
    socket.once('error', onError)
    socket.resume()
  })
}
