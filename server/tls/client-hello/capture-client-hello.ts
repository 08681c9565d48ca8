import { createServer, type AddressInfo, type Server } from 'node:net'
import { LabError } from '../../errors.js'
import { readClientHello, type ReadClientHelloResult } from './read-client-hello.js'

export interface CaptureClientHelloParams {
  /** Default: 5000 ms. */
  timeoutMs?: number
}

/**
 * Captures the first ClientHello a client sends to a raw TCP listener on
 * 127.0.0.1 (port 0), then drops the connection: the client's handshake fails,
 * which the `startClient` callback must tolerate. Used to record the lab's
 * clients' fingerprints and to feed tests real hellos.
 *
 * @example
 * const { hello } = await captureClientHello((port) => {
 *   tls.connect({ host: '127.0.0.1', port, servername: 'bank.lab' }).on('error', () => {})
 * })
 */
export async function captureClientHello(
  startClient: (port: number) => void,
  params: CaptureClientHelloParams = {},
): Promise<ReadClientHelloResult> {
  const timeoutMs = params.timeoutMs ?? 5000
  const server = createServer()
  await listen(server)
  const { port } = server.address() as AddressInfo
  try {
    const captured = new Promise<ReadClientHelloResult>((resolve) => {
      server.once('connection', (socket) => {
        socket.on('error', () => undefined)
        void readClientHello(socket, { timeoutMs }).then((result) => {
          socket.destroy()
          resolve(result)
        })
      })
    })
    startClient(port)
    return await withTimeout(captured, timeoutMs + 1000, `No connection to the capture port ${port} within ${timeoutMs} ms`)
  } finally {
    server.close()
  }
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LabError('CLIENT_FAILED', message)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
