import { createServer, type Server, type Socket } from 'node:net'
import type { Server as TlsServer } from 'node:tls'
import { readClientHello } from '../tls/client-hello/read-client-hello.js'
import type { ClientHello } from '../tls/client-hello/types.js'

/**
 * Puts a ClientHello reader in front of a TLS server: every connection's
 * hello is parsed (bounded; garbage is a value) before the socket is handed
 * to the TLS server, so a request can later be judged against the hello that
 * opened its connection (Durumeric et al., NDSS 2017).
 */
export interface HelloPeek {
  /** The TCP server to listen on in place of the TLS server. */
  front: Server
  /** The hello of the connection a request arrived on, by the peer's address:port. */
  helloOf(remoteAddress: string | undefined, remotePort: number | undefined): ClientHello | null
  /** Connections still being read here, not yet handed to the TLS server. */
  peekingCount(): number
}

export function peekClientHellos(tlsServer: TlsServer, helloTimeoutMs: number): HelloPeek {
  const hellos = new Map<string, ClientHello>()
  let peeking = 0
  const front = createServer((socket: Socket) => {
    const key = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`
    socket.once('close', () => hellos.delete(key))
    peeking += 1
    void readClientHello(socket, { timeoutMs: helloTimeoutMs }).then(({ hello, bytes }) => {
      peeking -= 1
      if (hello.ok) hellos.set(key, hello.hello)
      // Every connection, whole or not, goes on to the TLS server: garbage, idle and vanished
      // peers get their error and their incident there, exactly as without the peek.
      if (!socket.destroyed) socket.unshift(bytes)
      tlsServer.emit('connection', socket)
    })
  })
  return {
    front,
    helloOf: (remoteAddress, remotePort) => hellos.get(`${remoteAddress ?? ''}:${remotePort ?? 0}`) ?? null,
    peekingCount: () => peeking,
  }
}
