import { once } from 'node:events'
import tls from 'node:tls'
import type { AddressInfo } from 'node:net'
import { KeylogRecorder } from '../../../../server/tls/keylog/keylog-recorder.js'
import { createTamperRelay } from '../../../../server/tls/tamper/tamper-relay.js'
import type { RelayedConnection, TamperRelayOptions } from '../../../../server/tls/tamper/tamper-relay.js'
import type { TestPki } from './test-pki.js'

export interface PeerError {
  code: string | undefined
  message: string
}

export interface ExchangeOutcome {
  secureConnected: boolean
  clientError: PeerError | undefined
  serverError: PeerError | undefined
  /** The client saw the TCP stream end (with or without close_notify). */
  clientEnded: boolean
  clientReceived: string
  serverReceived: string
  version: string | undefined
  cipher: string | undefined
  alpn: string | false | null
  keylog: string
  connection: RelayedConnection
}

export interface ExchangeOptions {
  pki: TestPki
  tamper?: TamperRelayOptions['tamper']
  client?: Omit<tls.ConnectionOptions, 'host' | 'port'>
  server?: tls.TlsOptions
  /** Written by the client as separate writes (separate records) once connected. */
  clientWrites?: readonly string[]
  /** Written by the server, each as its own record, after the first client data arrives; then end(). */
  serverWrites?: readonly string[]
  /** Default 30 ms after secureConnect. */
  clientWriteDelayMs?: number
}

function asPeerError(error: unknown): PeerError {
  const e = error as NodeJS.ErrnoException
  return { code: e.code, message: e.message }
}

/**
 * One real TLS connection: tls.connect → tamper relay → tls.createServer, all
 * on 127.0.0.1, with the client's key log recorded. Bounded by a timeout.
 */
export async function runExchange(options: ExchangeOptions): Promise<ExchangeOutcome> {
  let serverError: PeerError | undefined
  let serverReceived = ''
  const server = tls.createServer({ key: options.pki.leafKeyPem, cert: options.pki.leafPem, ...options.server }, (socket) => {
    let replied = false
    socket.on('data', (data: Buffer) => {
      serverReceived += data.toString()
      if (replied) return
      replied = true
      const writes = options.serverWrites ?? ['pong']
      writes.forEach((w) => socket.write(w))
      socket.end()
    })
    // Node emits a TLS error on an established socket without closing it; a real peer aborts.
    socket.on('error', (e) => {
      serverError ??= asPeerError(e)
      socket.destroy()
    })
  })
  server.on('tlsClientError', (e) => (serverError ??= asPeerError(e)))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const relay = await createTamperRelay({ upstream: { host: '127.0.0.1', port: (server.address() as AddressInfo).port }, tamper: options.tamper ?? { kind: 'faithful' } })
  const keylog = new KeylogRecorder()
  const outcome = await new Promise<Omit<ExchangeOutcome, 'connection' | 'keylog' | 'serverError' | 'serverReceived'>>((resolve) => {
    const client = tls.connect({ host: '127.0.0.1', port: relay.port, servername: 'localhost', ca: options.pki.caPem, ...options.client })
    keylog.attach(client)
    let received = ''
    let secureConnected = false
    let ended = false
    let clientError: PeerError | undefined
    const timer = setTimeout(() => client.destroy(new Error('exchange timed out')), 5000)
    let version: string | undefined
    let cipher: string | undefined
    client.on('secureConnect', () => {
      secureConnected = true
      version = client.getProtocol() ?? undefined
      cipher = client.getCipher()?.name
      // Written after a pause so TLS 1.3 NewSessionTickets reach the relay first and
      // the relay's record positions are the same on every run (not a timing assertion).
      setTimeout(() => {
        for (const w of options.clientWrites ?? ['ping']) client.write(w)
      }, options.clientWriteDelayMs ?? 30)
    })
    client.on('data', (d: Buffer) => (received += d.toString()))
    client.on('end', () => (ended = true))
    client.on('error', (e) => {
      clientError ??= asPeerError(e)
      client.destroy()
    })
    client.on('close', () => {
      clearTimeout(timer)
      resolve({
        secureConnected,
        clientError,
        clientEnded: ended,
        clientReceived: received,
        version,
        cipher,
        alpn: client.alpnProtocol,
      })
    })
  })
  const connection = relay.connections[0]
  if (!connection) throw new Error('the relay saw no connection')
  await Promise.race([connection.closed, new Promise((r) => setTimeout(r, 2000))])
  await relay.close()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return { ...outcome, serverError, serverReceived, keylog: keylog.text, connection }
}
