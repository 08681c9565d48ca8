import { connect, type Socket } from 'node:net'
import { startLoopbackTcpServer } from '../util/loopback-tcp-server.js'
import type { ConnectTunnel } from './connect-tunnel.js'

/** A TLS record starts with its content type; 22 is handshake (RFC 8446 §5.1), so a ClientHello's first byte. */
const TLS_HANDSHAKE = 0x16
/** The explicit proxy's answer to CONNECT: a status line and headers, never more than this (RFC 9112 §2.1). */
const MAX_RESPONSE_HEAD = 8 * 1024

/**
 * How real clients reach a scenario whose victim is configured to use the attacker as its
 * explicit HTTP proxy (WPAD/PAC, a corporate proxy setting). Each client is pointed here, by
 * whichever means it has:
 * - a client that takes a proxy (its `tunnel`) speaks CONNECT itself: its bytes go to the
 *   explicit proxy verbatim, so the proxy answers that client's own CONNECT (RFC 9110 §9.3.6);
 * - a client that can only be told an address (its `connectTo`: curl --resolve, s_client
 *   -connect) starts with a ClientHello: this entry sends `CONNECT host:443` to the proxy on its
 *   behalf and, once the proxy answers 2xx, relays the TLS unchanged — what a system-wide proxy
 *   redirector (redsocks, proxychains) does for programs without proxy support.
 * Either way the TLS inside the tunnel is the client's own with the explicit proxy, untouched.
 */
export function startExplicitProxyEntry(proxy: { host: string; port: number }, host: string): Promise<ConnectTunnel> {
  return startLoopbackTcpServer((client, trackSocket) => {
    const track = (socket: Socket): void => {
      trackSocket(socket)
      socket.on('error', () => socket.destroy())
    }
    client.on('error', () => client.destroy())
    client.setTimeout(15_000, () => client.destroy())
    client.once('data', (first: Buffer) => {
      client.pause()
      const upstream = connect(proxy.port, proxy.host)
      track(upstream)
      upstream.once('close', () => client.destroy())
      client.once('close', () => upstream.destroy())
      if (first[0] !== TLS_HANDSHAKE) {
        // The client speaks to the proxy itself (CONNECT, or absolute-form HTTP): a byte pipe.
        upstream.write(first)
        client.pipe(upstream)
        upstream.pipe(client)
        client.resume()
        return
      }
      upstream.write(`CONNECT ${host}:443 HTTP/1.1\r\nHost: ${host}:443\r\n\r\n`)
      let head = Buffer.alloc(0)
      const onHead = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk])
        const end = head.indexOf('\r\n\r\n')
        if (end < 0) {
          if (head.length > MAX_RESPONSE_HEAD) client.destroy()
          return
        }
        upstream.off('data', onHead)
        // A refusal (407, 403, 502) is the proxy's word, not TLS: the client sees its connection closed.
        if (!/^HTTP\/1\.[01] 2\d\d /.test(head.toString('latin1'))) {
          client.destroy()
          return
        }
        const after = head.subarray(end + 4)
        if (after.length > 0) client.write(after)
        upstream.write(first)
        client.pipe(upstream)
        upstream.pipe(client)
        client.resume()
      }
      upstream.on('data', onHead)
    })
  })
}
