import type { Socket } from 'node:net'

/** RFC 9112 leaves the limit to us; 8 KiB is what most proxies accept for a request head. */
const MAX_CONNECT_HEAD_BYTES = 8 * 1024

export type ConnectRequest =
  | { ok: true; host: string; port: number; rest: Buffer }
  | { ok: false; code: 'NOT_CONNECT' | 'BAD_TARGET' | 'TOO_LARGE' | 'TIMEOUT' | 'TRUNCATED' | 'SOCKET_ERROR'; message: string }

/**
 * Reads an explicit proxy's first request, `CONNECT host:port HTTP/1.1`
 * (RFC 9110 §9.3.6: the target is authority-form, RFC 9112 §3.2.3), bounded in
 * size and time. Resolves with a value, never rejects; leaves the socket
 * paused with any bytes after the head in `rest`.
 */
export function readConnectRequest(socket: Socket, timeoutMs: number): Promise<ConnectRequest> {
  return new Promise((resolve) => {
    let head: Buffer = Buffer.alloc(0)
    let isDone = false
    const finish = (result: ConnectRequest): void => {
      if (isDone) return
      isDone = true
      clearTimeout(timer)
      socket.pause()
      socket.off('data', onData)
      socket.off('close', onClose)
      socket.off('error', onError)
      resolve(result)
    }
    const onData = (chunk: Buffer): void => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) {
        if (head.length > MAX_CONNECT_HEAD_BYTES) finish({ ok: false, code: 'TOO_LARGE', message: `No end of the request head within ${MAX_CONNECT_HEAD_BYTES} bytes` })
        return
      }
      if (end > MAX_CONNECT_HEAD_BYTES) return finish({ ok: false, code: 'TOO_LARGE', message: `Request head of ${end} bytes` })
      finish(parseConnectLine(head.subarray(0, head.indexOf('\r\n')).toString('latin1'), head.subarray(end + 4)))
    }
    const onClose = (): void => finish({ ok: false, code: 'TRUNCATED', message: `The client closed after ${head.length} bytes of request head` })
    const onError = (error: Error): void => finish({ ok: false, code: 'SOCKET_ERROR', message: error.message })
    const timer = setTimeout(() => finish({ ok: false, code: 'TIMEOUT', message: `No request head within ${timeoutMs} ms (${head.length} bytes read)` }), timeoutMs)
    socket.on('data', onData)
    socket.once('close', onClose)
    socket.once('error', onError)
    socket.resume()
  })
}

function parseConnectLine(line: string, rest: Buffer): ConnectRequest {
  const match = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(line)
  if (match === null || match[1] !== 'CONNECT') {
    return { ok: false, code: 'NOT_CONNECT', message: `Expected CONNECT, got ${JSON.stringify(line.slice(0, 80))}` }
  }
  const target = match[2] ?? ''
  // authority-form: host:port, with IPv6 literals in brackets (RFC 3986 §3.2.2).
  const parts = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(target)
  const port = Number(parts?.[3])
  const host = parts?.[1] ?? parts?.[2]
  if (host === undefined || !(port >= 1 && port <= 65535)) {
    return { ok: false, code: 'BAD_TARGET', message: `CONNECT target ${JSON.stringify(target.slice(0, 80))} is not host:port` }
  }
  return { ok: true, host, port, rest }
}
