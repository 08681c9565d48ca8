import { connect } from 'node:net'
import { startLoopbackTcpServer, type LoopbackTcpServer } from '../util/loopback-tcp-server.js'
import { readProxyRequest } from '../util/proxy-request-head.js'

export type ConnectTunnel = LoopbackTcpServer

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
export function startConnectTunnel(target: { host: string; port: number }): Promise<ConnectTunnel> {
  return startLoopbackTcpServer((client, track) => {
    client.on('error', () => client.destroy())
    client.setTimeout(15_000, () => client.destroy())
    readProxyRequest(client, Buffer.alloc(0), ({ requestHead, forward, rest }) => {
      if (forward === null && !/^CONNECT \S+ HTTP\/1\.[01]\r\n/.test(requestHead)) {
        client.end('HTTP/1.1 405 Method Not Allowed\r\nAllow: CONNECT\r\n\r\n')
        return
      }
      const upstream = connect(target.port, target.host, () => {
        // A plain-HTTP request through the proxy (http:// URL, RFC 9112 §3.2.2 absolute-form) goes on in origin-form.
        if (forward === null) {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
          if (rest.length > 0) upstream.write(rest)
        } else upstream.write(Buffer.concat([Buffer.from(`${forward}\r\n`, 'latin1'), rest]))
        client.pipe(upstream)
        upstream.pipe(client)
      })
      track(upstream)
      upstream.once('close', () => client.destroy())
      upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'))
      client.once('close', () => upstream.destroy())
    })
  })
}
