import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import { closeServer, listen } from '../genuine/genuine-server.js'

const MAX_REQUEST_HEAD = 8 * 1024

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
      client.off('data', onData)
      if (!/^CONNECT \S+ HTTP\/1\.[01]\r\n/.test(head.toString('latin1', 0, end + 2))) {
        client.end('HTTP/1.1 405 Method Not Allowed\r\nAllow: CONNECT\r\n\r\n')
        return
      }
      const upstream = connect(target.port, target.host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        const rest = head.subarray(end + 4)
        if (rest.length > 0) upstream.write(rest)
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
