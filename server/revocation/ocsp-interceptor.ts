import { createServer as createHttpServer } from 'node:http'
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { closeServer, listen } from '../genuine/genuine-server.js'
import { encodeOcspFailure } from './ocsp-messages.js'
import { readBody } from './revocation-server.js'

/**
 * drop: every connection is reset, as a firewall rule on the attacker's path does (SSLsplit -O).
 * tryLater: every request gets the unsigned `tryLater` status (Marlinspike 2009): RFC 6960 §4.2.1
 * leaves unsuccessful responses unsigned, so anyone on the path can forge one.
 */
export type OcspInterference = 'drop' | 'tryLater'

export interface OcspInterceptor {
  /** Where the victim's OCSP requests go once the attacker controls the path (the AIA URL). */
  url: string
  /** How many requests it swallowed. */
  hits: () => number
  close(): Promise<void>
}

/** The attacker's answer to the victim's OCSP check. */
export async function startOcspInterceptor(mode: OcspInterference, host = '127.0.0.1'): Promise<OcspInterceptor> {
  let hits = 0
  const sockets = new Set<Socket>()
  const server: Server =
    mode === 'drop'
      ? createTcpServer((socket) => {
          hits++
          socket.on('error', () => {})
          socket.resetAndDestroy()
        })
      : createHttpServer((request, response) => {
          void readBody(request).then(
            () => {
              hits++
              response.setHeader('Content-Type', 'application/ocsp-response')
              response.end(encodeOcspFailure('tryLater'))
            },
            () => response.destroy(),
          )
        })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await listen(server, host, 0)
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}/ocsp`,
    hits: () => hits,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await closeServer(server)
    },
  }
}
