import { connect as netConnect, createServer as netCreateServer, type AddressInfo, type Socket } from 'node:net'
import { connect as tlsConnect, type TLSSocket } from 'node:tls'

/**
 * Misbehaving peers for the robustness battery, each one connection. Every
 * helper resolves when its connection is closed (by the server or by the
 * helper), so a test can await the whole battery and then count.
 */
export interface Target {
  host: string
  port: number
  /** The CA that issued the server's chain, to finish a TLS handshake. */
  caPem: string
  servername: string
}

/** Resolves once the socket is closed, with what the server sent back (decrypted for TLS). */
function whenClosed(socket: Socket | TLSSocket): Promise<string> {
  let received = ''
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')))
  socket.on('error', () => {})
  return new Promise((resolve) => socket.once('close', () => resolve(received)))
}

/** A deterministic byte stream (xorshift32), so a failing run replays exactly. */
export function pseudoRandomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length)
  let state = seed >>> 0 || 1
  for (let index = 0; index < length; index += 1) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    bytes[index] = state & 0xff
  }
  return bytes
}

/** Random bytes instead of a ClientHello. */
export function sendGarbage(target: Target, seed: number): Promise<string> {
  const socket = netConnect(target.port, target.host, () => socket.write(pseudoRandomBytes(2_048, seed)))
  return whenClosed(socket)
}

/** Plain HTTP to the TLS port. */
export function sendPlainHttp(target: Target): Promise<string> {
  const socket = netConnect(target.port, target.host, () => socket.write('GET / HTTP/1.1\r\nHost: bank.lab\r\n\r\n'))
  return whenClosed(socket)
}

/** Connects and says nothing: only the server's handshake timeout ends it. */
export function idleTcp(target: Target): Promise<string> {
  return whenClosed(netConnect(target.port, target.host))
}

/** A real ClientHello for `servername`, captured from Node's own TLS client. */
export async function captureClientHello(servername: string): Promise<Buffer> {
  const recorder = netCreateServer()
  const hello = new Promise<Buffer>((resolve) =>
    recorder.once('connection', (socket) => socket.once('data', (chunk: Buffer) => (resolve(chunk), socket.destroy()))),
  )
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve))
  const client = tlsConnect({ host: '127.0.0.1', port: (recorder.address() as AddressInfo).port, servername })
  client.on('error', () => {})
  try {
    return await hello
  } finally {
    client.destroy()
    recorder.close()
  }
}

/** Sends a ClientHello, then vanishes (TCP RST) as soon as the server answers. */
export function vanishMidHandshake(target: Target, clientHello: Buffer): Promise<string> {
  const socket = netConnect(target.port, target.host, () => socket.write(clientHello))
  socket.once('data', () => socket.resetAndDestroy())
  return whenClosed(socket)
}

/** Finishes TLS, then runs `behave` on the encrypted socket. */
function afterHandshake(target: Target, behave: (socket: TLSSocket) => void): Promise<string> {
  const socket = tlsConnect({ host: target.host, port: target.port, ca: target.caPem, servername: target.servername, ALPNProtocols: ['http/1.1'] })
  socket.once('secureConnect', () => behave(socket))
  return whenClosed(socket)
}

/** Finishes TLS and then sends nothing. */
export function idleAfterHandshake(target: Target): Promise<string> {
  return afterHandshake(target, () => {})
}

/** Slowloris: a request head that never ends, one header line every `intervalMs`. */
export function slowloris(target: Target, intervalMs: number): Promise<string> {
  return afterHandshake(target, (socket) => {
    socket.write('GET /account HTTP/1.1\r\nHost: bank.lab\r\n')
    let line = 0
    const timer = setInterval(() => socket.write(`X-Slow-${(line += 1)}: ${'a'.repeat(8)}\r\n`), intervalMs)
    socket.once('close', () => clearInterval(timer))
  })
}

/** A request head larger than the server's header limit. */
export function oversizedHeaders(target: Target, bytes: number): Promise<string> {
  return afterHandshake(target, (socket) => socket.write(`GET / HTTP/1.1\r\nHost: bank.lab\r\nX-Big: ${'b'.repeat(bytes)}\r\n\r\n`))
}

/** A login whose body is larger than the site accepts. */
export function oversizedBody(target: Target, bytes: number): Promise<string> {
  const body = `username=alice&password=${'p'.repeat(bytes)}`
  return afterHandshake(target, (socket) =>
    socket.write(
      `POST /login HTTP/1.1\r\nHost: bank.lab\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    ),
  )
}

/** Announces a body, sends part of it, then vanishes. */
export function vanishMidBody(target: Target): Promise<string> {
  return afterHandshake(target, (socket) => {
    socket.write('POST /login HTTP/1.1\r\nHost: bank.lab\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\nusername=al')
    setTimeout(() => socket.destroy(), 100)
  })
}

/** Sends half a request head, then vanishes. */
export function vanishMidHeaders(target: Target): Promise<string> {
  return afterHandshake(target, (socket) => {
    socket.write('GET /account HTTP/1.1\r\nHost: ban')
    setTimeout(() => socket.destroy(), 100)
  })
}

/** Garbage inside a finished TLS session instead of HTTP. */
export function garbageAfterHandshake(target: Target, seed: number): Promise<string> {
  return afterHandshake(target, (socket) => socket.write(Buffer.concat([Buffer.from('\x01\x02'), pseudoRandomBytes(512, seed)])))
}

/** A JSON login whose body is not JSON. */
export function malformedJsonBody(target: Target): Promise<string> {
  const body = '{"username": "alice", "password": '
  return afterHandshake(target, (socket) =>
    socket.write(`POST /login HTTP/1.1\r\nHost: bank.lab\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`),
  )
}
