import { createServer, type AddressInfo, type Socket } from 'node:net'
import { closeServer, listen } from '../genuine/genuine-server.js'

export interface LoopbackTcpServer {
  host: string
  port: number
  /** Destroys every socket still open (accepted or dialled through `track`), then closes the listener. */
  close(): Promise<void>
}

/**
 * A TCP listener on 127.0.0.1, port 0, that owns its sockets: `track` registers each socket the
 * handler accepts or dials, so close() never waits on a peer that keeps a connection open.
 */
export async function startLoopbackTcpServer(onConnection: (client: Socket, track: (socket: Socket) => void) => void): Promise<LoopbackTcpServer> {
  const sockets = new Set<Socket>()
  const track = (socket: Socket): void => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }
  const server = createServer((client) => {
    track(client)
    onConnection(client, track)
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
