import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import { closeServer, listen } from '../genuine/genuine-server.js'

const MAX_REQUEST_HEAD = 8 * 1024
/** A forwarded request body held back to travel with its head (a login form is a few dozen bytes). */
const MAX_FORWARDED_BODY = 64 * 1024

export interface ConnectTunnel {
  host: string
  port: number
  close(): Promise<void>
}

/**
 * The lab's stand-in for a hijacked resolver, for clients that cannot be told
 * where bank.lab lives (wget, urllib): an HTTP CONNECT proxy (RFC 9110 §9.3.6)
 * that tunnels every CONNECT, whatever host it names, to `target`. The TLS
 * inside is untouched: the client still sees whatever `target` presents.
 * A plain-HTTP request (`GET http://bank.lab/ HTTP/1.1`, the first visit of
 * sslstrip scenarios) is sent to `target` too, rewritten to origin-form and
 * marked `Connection: close`, so each proxy connection carries one request
 * whose request line this tunnel rewrote.
 */
export async function startConnectTunnel(target: { host: string; port: number }): Promise<ConnectTunnel> {
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    sockets.add(client)
    client.once('close', () => sockets.delete(client))
    client.on('error', () => client.destroy())
    client.setTimeout(15_000, () => client.destroy())
    let head = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) {
        if (head.length > MAX_REQUEST_HEAD) client.end('HTTP/1.1 431 Request Header Fields Too Large\r\n\r\n')
        return
      }
      const requestHead = head.toString('latin1', 0, end + 2)
      const forward = forwardedHead(requestHead)
      if (forward !== null) {
        // The whole request goes upstream in one write: a middlebox that reads the first chunk and hands the
        // socket to node:http (the sslstrip proxy) must see the login body with its head, as from a browser.
        const length = Number(/\r\ncontent-length:[ \t]*(\d+)/i.exec(requestHead)?.[1] ?? '0')
        if (length <= MAX_FORWARDED_BODY && head.length - (end + 4) < length) return
      }
      client.off('data', onData)
      // Nothing may flow while the upstream connects, and a flowing socket with no 'data' listener drops what
      // comes. pipe() resumes the socket.
      client.pause()
      if (forward === null && !/^CONNECT \S+ HTTP\/1\.[01]\r\n/.test(requestHead)) {
        client.end('HTTP/1.1 405 Method Not Allowed\r\nAllow: CONNECT\r\n\r\n')
        return
      }
      const upstream = connect(target.port, target.host, () => {
        // A plain-HTTP request through the proxy (http:// URL, RFC 9112 §3.2.2 absolute-form) goes on in origin-form.
        const rest = head.subarray(end + 4)
        if (forward === null) {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
          if (rest.length > 0) upstream.write(rest)
        } else upstream.write(Buffer.concat([Buffer.from(`${forward}\r\n`, 'latin1'), rest]))
        client.pipe(upstream)
        upstream.pipe(client)
      })
      sockets.add(upstream)
      upstream.once('close', () => {
        sockets.delete(upstream)
        client.destroy()
      })
      upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'))
      client.once('close', () => upstream.destroy())
    }
    client.on('data', onData)
  })
  await listen(server, '127.0.0.1', 0)
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await closeServer(server)
    },
  }
}

/**
 * The head of a forward-proxy request rewritten for the origin (RFC 9112
 * §3.2.2: absolute-form to origin-form; the Host header stays), with
 * Proxy-Connection and Connection replaced by `Connection: close`. Null when
 * the head is not an absolute-form http:// request.
 */
export function forwardedHead(head: string): string | null {
  const [requestLine = '', ...headerLines] = head.split('\r\n')
  const match = /^([A-Z]+) http:\/\/[^/\s]+(\/\S*)? (HTTP\/1\.[01])$/.exec(requestLine)
  if (match === null || match[1] === 'CONNECT') return null
  const headers = headerLines.filter((line) => line !== '' && !/^(proxy-)?connection\s*:/i.test(line))
  return [`${match[1]} ${match[2] ?? '/'} ${match[3]}`, ...headers, 'Connection: close', ''].join('\r\n')
}
