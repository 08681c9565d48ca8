import { once } from 'node:events'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import type { EngineOutcome, EngineOptions } from './engine-types.js'
import { serveTls12 } from './tls12-server-engine.js'
import { serveTls13 } from './tls13-server-engine.js'

export interface EngineServer {
  host: string
  port: number
  /** One promise per accepted connection, in order. */
  readonly outcomes: Promise<EngineOutcome>[]
  close(): Promise<void>
}

/** Listens on 127.0.0.1:0 and runs the engine (TLS 1.2 by default) on every connection. */
export async function createEngineServer(options: EngineOptions): Promise<EngineServer> {
  const serve = options.version === 'TLSv1.3' ? serveTls13 : serveTls12
  const outcomes: Promise<EngineOutcome>[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    outcomes.push(serve(socket, options))
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
