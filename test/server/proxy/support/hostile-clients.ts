import { connect as netConnect, createServer, type AddressInfo, type Socket } from 'node:net'
import { connect as tlsConnect, type TLSSocket } from 'node:tls'

/** Peers that misbehave on purpose. Every one resolves when its socket closes, within `limitMs`. */

const DEFAULT_LIMIT_MS = 10_000

/** A real ClientHello as Node sends it for `servername`, captured on a throwaway local listener. */
export async function captureClientHello(servername: string): Promise<Buffer> {
  const server = createServer()
  const captured = new Promise<Buffer>((resolve) => server.once('connection', (socket) => socket.once('data', (chunk: Buffer) => {
    resolve(chunk)
    socket.destroy()
  })))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const client = tlsConnect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, servername, ALPNProtocols: ['http/1.1'] })
  client.on('error', () => {})
  const hello = await captured
  client.destroy()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return hello
}

/** Connects, runs `script` on the raw socket, and resolves when the socket is closed (by either side). */
export function rawPeer(port: number, script: (socket: Socket) => void, limitMs = DEFAULT_LIMIT_MS): Promise<void> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1', () => script(socket))
    const timer = setTimeout(() => socket.destroy(), limitMs)
    socket.on('error', () => {})
    socket.on('data', () => {})
    socket.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** Sends `bytes` one at a time, `gapMs` apart, until the proxy gives up (slowloris). */
export function dribble(socket: Socket, bytes: Buffer, gapMs: number): void {
  let index = 0
  const timer = setInterval(() => {
    if (socket.destroyed || index >= bytes.length) return clearInterval(timer)
    socket.write(bytes.subarray(index, index + 1))
    index++
  }, gapMs)
  socket.once('close', () => clearInterval(timer))
}

/** A TLS client of the proxy that trusts `caPem`; `script` runs once the handshake is done. */
export function tlsPeer(port: number, caPem: string, script: (socket: TLSSocket) => void, limitMs = DEFAULT_LIMIT_MS): Promise<{ response: string }> {
  return new Promise((resolve) => {
    let response = ''
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'bank.lab', ca: caPem, ALPNProtocols: ['http/1.1'] }, () => script(socket))
    const timer = setTimeout(() => socket.destroy(), limitMs)
    socket.on('error', () => {})
    socket.on('data', (chunk: Buffer) => (response += chunk.toString('latin1')))
    socket.once('close', () => {
      clearTimeout(timer)
      resolve({ response })
    })
  })
}

/** A TCP server that resets every connection at once: an upstream that is up but broken. */
export async function startResettingServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((socket) => socket.resetAndDestroy())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** A port nothing listens on: an upstream that is down. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
