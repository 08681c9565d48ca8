import { once } from 'node:events'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import type { EngineOutcome, Tls12EngineOptions } from './engine-types.js'
import { serveTls12 } from './tls12-server-engine.js'

export interface Tls12EngineServer {
  host: string
  port: number
  /** One promise per accepted connection, in order. */
  readonly outcomes: Promise<EngineOutcome>[]
  close(): Promise<void>
}

/** Listens on 127.0.0.1:0 and runs the TLS 1.2 engine on every connection. */
export async function createTls12EngineServer(options: Tls12EngineOptions): Promise<Tls12EngineServer> {
  const outcomes: Promise<EngineOutcome>[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    outcomes.push(serveTls12(socket, options))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    outcomes,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
