import type { Socket } from 'node:net'

/** A request head longer than this is refused (431, RFC 6585 §5): a proxy request is a line and a few headers. */
const MAX_REQUEST_HEAD = 8 * 1024
/** A forwarded request body held back to travel with its head (a login form is a few dozen bytes). */
const MAX_FORWARDED_BODY = 64 * 1024

export interface ProxyRequest {
  /** The head up to and including its last header line's CRLF, without the blank line. */
  requestHead: string
  /** With an absolute-form http:// request: its head rewritten for the origin (forwardedHead); null for CONNECT and the rest. */
  forward: string | null
  /** What came after the blank line: the start of the tunnel, or the forwarded request's body. */
  rest: Buffer
}

/**
 * Reads the head of one forward-proxy request (RFC 9112 §2.1, ending at the
 * blank line) from `client`, starting with `first`, and hands it on once —
 * for an absolute-form request only when its Content-Length body (up to
 * 64 KiB) is there too, so the whole request goes upstream in one write: a
 * middlebox that reads the first chunk and hands the socket to node:http (the
 * sslstrip proxy) must see the login body with its head, as from a browser.
 * The socket is left paused (nothing may flow while the upstream connects; a
 * flowing socket with no 'data' listener drops what comes). Used by the
 * drivers' CONNECT tunnel and the open lab's entry port alike.
 */
export function readProxyRequest(client: Socket, first: Buffer, onRequest: (request: ProxyRequest) => void): void {
  let head = first
  const parse = (): void => {
    const end = head.indexOf('\r\n\r\n')
    if (end < 0) {
      if (head.length > MAX_REQUEST_HEAD) {
        client.off('data', onData)
        client.end('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n')
      }
      return
    }
    const requestHead = head.toString('latin1', 0, end + 2)
    const forward = forwardedHead(requestHead)
    if (forward !== null) {
      const length = Number(/\r\ncontent-length:[ \t]*(\d+)/i.exec(requestHead)?.[1] ?? '0')
      if (length <= MAX_FORWARDED_BODY && head.length - (end + 4) < length) return
    }
    client.off('data', onData)
    client.pause()
    onRequest({ requestHead, forward, rest: head.subarray(end + 4) })
  }
  const onData = (chunk: Buffer): void => {
    head = Buffer.concat([head, chunk])
    parse()
  }
  client.on('data', onData)
  parse()
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
