import { connect as netConnect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { connect as tlsConnect, TLSSocket, type SecureContext, type SecureVersion } from 'node:tls'
import { closeServer, listen } from '../genuine/genuine-server.js'
import { readClientHello } from '../tls/client-hello/read-client-hello.js'
import type { ConnectionRecord } from './connection-record.js'
import { HttpSniffer } from './http-sniffer.js'
import { describeOfferedHello } from './offered-hello.js'
import { alertFromError, isCertificateAlert, isPeerHangUp } from './tls-alerts.js'

/** What the proxy presents for one SNI: a ready secure context and the chain it holds (for the record). */
export interface ServedCertificate {
  secureContext: SecureContext
  chainDer: Buffer[]
  chainSubjects: { subject: string; issuer: string }[]
}

export interface StartInterceptingProxyParams {
  /** terminate: forge and decrypt; passthrough: relay ciphertext (the control). */
  mode: 'terminate' | 'passthrough'
  upstream: { host: string; port: number; caPem: string }
  /** Asked once per connection in terminate mode; cache inside when forging is costly. */
  certificateFor?: (sni: string | null) => ServedCertificate
  /** The proxy's client-facing TLS policy: downgrade attacks narrow it. Default: Node's defaults. */
  clientFacingTls?: { minVersion?: SecureVersion; maxVersion?: SecureVersion; ciphers?: string }
  /** Called once per connection when it closes. */
  onRecord?: (record: ConnectionRecord) => void
  /** Incidents worth a log line: garbage, timeouts, upstream failures. */
  onIncident?: (incident: { type: string; message: string; connectionId: number }) => void
  /** Default: 127.0.0.1. */
  host?: string
  /** Default: 0. */
  port?: number
  /** Give up on a client that sends no whole ClientHello within this. Default: 5 s. */
  helloTimeoutMs?: number
  /** Close connections idle this long. Default: 30 s. */
  idleTimeoutMs?: number
}

export interface InterceptingProxy {
  port: number
  host: string
  records: ConnectionRecord[]
  /** Resolves once every open connection has closed and been recorded, or after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<void>
  close(): Promise<void>
}

/**
 * The impersonating proxy. The client reaches it as if DNS were hijacked: it
 * connects here with SNI `bank.lab`. The proxy reads the ClientHello, then
 * either terminates TLS with a forged chain and relays plaintext to the
 * genuine server over its own TLS connection, or relays the bytes untouched.
 * A bad or vanishing peer is recorded, never fatal.
 */
export async function startInterceptingProxy(params: StartInterceptingProxyParams): Promise<InterceptingProxy> {
  const records: ConnectionRecord[] = []
  const sockets = new Set<Socket>()
  let nextId = 1
  const server: Server = createServer({ pauseOnConnect: false }, (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    handleConnection(socket, nextId++, params, (record) => {
      records.push(record)
      params.onRecord?.(record)
    })
  })
  server.on('error', () => {})
  await listen(server, params.host ?? '127.0.0.1', params.port ?? 0)
  return {
    port: (server.address() as AddressInfo).port,
    host: params.host ?? '127.0.0.1',
    records,
    whenIdle: (timeoutMs) => waitUntil(() => sockets.size === 0, timeoutMs),
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await closeServer(server)
    },
  }
}

function handleConnection(
  socket: Socket,
  id: number,
  params: StartInterceptingProxyParams,
  finish: (record: ConnectionRecord) => void,
): void {
  const record = newRecord(id, params.mode, `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`)
  let isFinished = false
  const done = (): void => {
    if (isFinished) return
    isFinished = true
    record.endedAt = new Date().toISOString()
    if (record.outcome === 'open') record.outcome = 'client-hung-up'
    finish(record)
  }
  const incident = (type: string, message: string): void => params.onIncident?.({ type, message, connectionId: id })
  socket.on('error', (error) => {
    if (!isPeerHangUp(error)) incident('client-socket-error', error.message)
  })
  socket.once('close', done)
  socket.setTimeout(params.idleTimeoutMs ?? 30_000, () => {
    incident('idle-timeout', 'The client was idle too long; closed')
    socket.destroy()
  })

  void readClientHello(socket, { timeoutMs: params.helloTimeoutMs ?? 5_000 }).then(({ hello, bytes }) => {
    record.bytes.fromClient += bytes.length
    if (!hello.ok) {
      record.helloError = `${hello.code}: ${hello.message}`
      record.outcome = hello.code === 'TRUNCATED' || hello.code === 'TIMEOUT' ? 'client-hung-up' : 'handshake-failed'
      incident(`hello-${hello.code.toLowerCase()}`, hello.message)
      socket.destroy()
      return
    }
    record.sni = hello.hello.sni
    record.offered = describeOfferedHello(hello.hello)
    if (socket.destroyed) return
    if (params.mode === 'passthrough') relayCiphertext(socket, bytes, params, record, incident)
    else terminate(socket, bytes, params, record, incident)
  })
}

/** The control: the proxy relays bytes it cannot read. */
function relayCiphertext(
  client: Socket,
  hello: Buffer,
  params: StartInterceptingProxyParams,
  record: ConnectionRecord,
  incident: (type: string, message: string) => void,
): void {
  record.outcome = 'passthrough'
  record.upstream = { version: null, cipher: null, error: null }
  const upstream = netConnect(params.upstream.port, params.upstream.host)
  upstream.on('error', (error) => {
    if (record.upstream) record.upstream.error = error.message
    incident('upstream-error', error.message)
    client.destroy()
  })
  upstream.write(hello)
  record.bytes.toUpstream += hello.length
  client.on('data', (chunk: Buffer) => {
    record.bytes.fromClient += chunk.length
    record.bytes.toUpstream += chunk.length
  })
  upstream.on('data', (chunk: Buffer) => {
    record.bytes.fromUpstream += chunk.length
    record.bytes.toClient += chunk.length
  })
  client.pipe(upstream)
  upstream.pipe(client)
  client.once('close', () => upstream.destroy())
  upstream.once('close', () => client.destroy())
  client.resume()
}

function terminate(
  socket: Socket,
  hello: Buffer,
  params: StartInterceptingProxyParams,
  record: ConnectionRecord,
  incident: (type: string, message: string) => void,
): void {
  if (params.certificateFor === undefined) throw new Error('terminate mode needs certificateFor')
  const served = params.certificateFor(record.sni)
  record.servedChain = served.chainSubjects.map((names, index) => ({
    ...names,
    derBase64: served.chainDer[index]?.toString('base64') ?? '',
  }))
  socket.unshift(hello)
  const client = new TLSSocket(socket, {
    isServer: true,
    secureContext: served.secureContext,
    ALPNProtocols: ['http/1.1'],
  })
  let isSecure = false
  client.on('error', (error) => {
    if (isSecure) return
    const alert = alertFromError(error)
    record.clientAlert = alert
    if (isCertificateAlert(alert)) record.outcome = 'client-rejected'
    else if (isPeerHangUp(error)) record.outcome = 'client-hung-up'
    else {
      record.outcome = 'handshake-failed'
      record.error = { code: String((error as NodeJS.ErrnoException).code ?? 'TLS_ERROR'), message: error.message }
    }
    incident('client-handshake-failed', `${alert ?? ''} ${error.message}`.trim())
  })
  client.once('secure', () => {
    isSecure = true
    record.negotiated = {
      version: client.getProtocol() ?? 'unknown',
      cipher: client.getCipher().standardName,
      alpn: typeof client.alpnProtocol === 'string' ? client.alpnProtocol : null,
    }
    record.outcome = 'client-closed-after-handshake'
    relayPlaintext(client, params, record, incident)
  })
}

function relayPlaintext(
  client: TLSSocket,
  params: StartInterceptingProxyParams,
  record: ConnectionRecord,
  incident: (type: string, message: string) => void,
): void {
  const sniffer = new HttpSniffer(record.plaintext)
  const upstream = tlsConnect({
    host: params.upstream.host,
    port: params.upstream.port,
    servername: record.sni ?? undefined,
    ca: params.upstream.caPem,
    ALPNProtocols: ['http/1.1'],
  })
  record.upstream = { version: null, cipher: null, error: null }
  upstream.once('secureConnect', () => {
    if (record.upstream) {
      record.upstream.version = upstream.getProtocol()
      record.upstream.cipher = upstream.getCipher().standardName
    }
  })
  upstream.on('error', (error) => {
    if (record.upstream) record.upstream.error = error.message
    if (!isPeerHangUp(error)) {
      record.outcome = 'upstream-failed'
      incident('upstream-error', error.message)
    }
    client.destroy()
  })
  client.on('data', (chunk: Buffer) => {
    record.outcome = 'relayed'
    record.bytes.fromClient += chunk.length
    record.bytes.toUpstream += chunk.length
    sniffer.push(chunk)
  })
  upstream.on('data', (chunk: Buffer) => {
    record.bytes.fromUpstream += chunk.length
    record.bytes.toClient += chunk.length
  })
  // pipe() respects backpressure in both directions; bodies stream, never buffer whole.
  client.pipe(upstream)
  upstream.pipe(client)
  client.once('close', () => upstream.destroy())
  upstream.once('close', () => client.destroy())
}

function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve) => {
    const poll = (): void => {
      if (condition() || Date.now() >= deadline) resolve()
      else setTimeout(poll, 5)
    }
    poll()
  })
}

function newRecord(id: number, mode: ConnectionRecord['mode'], clientAddress: string): ConnectionRecord {
  return {
    id,
    startedAt: new Date().toISOString(),
    endedAt: null,
    mode,
    clientAddress,
    sni: null,
    offered: null,
    helloError: null,
    negotiated: null,
    servedChain: [],
    outcome: 'open',
    clientAlert: null,
    error: null,
    bytes: { fromClient: 0, toClient: 0, toUpstream: 0, fromUpstream: 0 },
    plaintext: { requests: [], credentials: [], cookies: [] },
    upstream: null,
  }
}
