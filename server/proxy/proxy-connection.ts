import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect, TLSSocket, type SecureContext } from 'node:tls'
import type { ClientHello } from '../tls/client-hello/parse-client-hello.js'
import { readClientHello } from '../tls/client-hello/read-client-hello.js'
import { upstreamContextFor } from './upstream-profile-context.js'
import type { ClientHelloParse } from '../tls/client-hello/types.js'
import { completeRecord, newConnectionRecord, type ConnectionRecord } from './connection-record.js'
import { readConnectRequest, type ConnectRequest } from './connect-request.js'
import { HeadDeadline } from './head-deadline.js'
import { HttpSniffer } from './http-sniffer.js'
import { holdEarlyData } from './early-data.js'
import { HttpExchangeRelay } from './http-exchange-relay.js'
import { withRelayBuffer } from './relay-buffer.js'
import { RequestRecorder } from './request-recorder.js'
import { readResponses } from './response-reader.js'
import { ResponseRecorder } from './response-recorder.js'
import type { PooledUpstream, UpstreamPool } from './upstream-pool.js'
import type { ServedCertificate, StartInterceptingProxyParams } from './proxy-types.js'
import { alertFromError, isCertificateAlert, isPeerHangUp } from './tls-alerts.js'
import { upstreamLegGroup } from './leg-group.js'
import { probeServerGroup } from '../tls/server-group-probe.js'

/** What every connection of one proxy shares, resolved once at start. */
export interface ProxySettings {
  params: StartInterceptingProxyParams
  /** One context for every upstream connection: building it per connection would re-parse the CA each time. */
  upstreamContext: SecureContext
  /** Pooled upstream connections (upstreamConnections 'pooled'); null: one upstream connection per client connection. */
  pool: UpstreamPool | null
  helloTimeoutMs: number
  idleTimeoutMs: number
  /** A request head must be complete this long after its first byte (slowloris); see head-deadline.ts. */
  headTimeoutMs: number
  /** False when nobody reads records: then they are never filled in (no per-connection strings or base64). */
  wantsRecords: boolean
  /** Nobody needs the ClientHello's contents (no records, the node-default upstream profile): skip the JS peek. */
  skipsHelloPeek: boolean
  /** Called exactly once per connection, after it closed; null when records are not wanted. */
  finish: (record: ConnectionRecord | null) => void
}

const CONNECT_ESTABLISHED = 'HTTP/1.1 200 Connection Established\r\n\r\n'
/** The proxy relays HTTP/1.1 only; converted to wire format once, not per connection. */
const ALPN_HTTP1 = Buffer.from([8, ...Buffer.from('http/1.1')])
const HANG_UPS = new Set(['TIMEOUT', 'TRUNCATED', 'SOCKET_ERROR'])

/**
 * One client connection through the proxy: optional CONNECT head, ClientHello,
 * then either a forged TLS termination with a plaintext relay or a ciphertext
 * relay. Relays are stream pipes (backpressure both ways, bodies never buffered
 * whole); byte counts come from the sockets' own counters at close.
 */
export class ProxyConnection {
  readonly record: ConnectionRecord
  private hello: ClientHello | null = null
  private served: ServedCertificate | null = null
  private clientTls: TLSSocket | null = null
  /** The upstream failed before relaying: the client is being closed with close_notify. */
  private isClosingClientGracefully = false
  private upstream: Socket | null = null
  private target: { host: string; port: number }
  private isFinished = false
  private isClientSecure = false
  /** The client-facing leg's key-exchange group once measured (undefined: not measured). */
  private clientLegGroup: string | null | undefined = undefined
  private isUpstreamReady = false
  private isRelaying = false
  private hasIncident = false
  private sniffer: HttpSniffer | null = null
  private headDeadline: HeadDeadline | null = null
  private releaseEarlyData: ((upstream: Socket) => void) | null = null
  /** Pooled mode: the HTTP/1.1-aware relay that borrows upstream connections per exchange. */
  private exchange: HttpExchangeRelay | null = null

  constructor(
    private readonly socket: Socket,
    private readonly id: number,
    private readonly settings: ProxySettings,
  ) {
    // The peer address costs a getpeername(2) per connection: only for records someone reads.
    const clientAddress = settings.wantsRecords
      ? `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`
      : ''
    this.record = newConnectionRecord(id, settings.params.mode, clientAddress)
    this.target = { host: settings.params.upstream.host, port: settings.params.upstream.port }
  }

  start(): void {
    const { socket, settings } = this
    socket.on('error', (error) => {
      if (!isPeerHangUp(error)) this.incident('client-socket-error', error.message)
    })
    // Deferred one turn, so a pending hello/CONNECT result lands in the record first.
    socket.once('close', () => setImmediate(() => this.finish()))
    if (settings.params.entry !== 'http-connect' && settings.skipsHelloPeek) {
      // Straight to TLS: the TLS socket owns the timeouts (hello, then idle) from the first byte.
      this.terminate(null)
      return
    }
    socket.setTimeout(settings.idleTimeoutMs, () => {
      this.incident('idle-timeout', `The client was idle for ${settings.idleTimeoutMs} ms; closed`)
      socket.destroy()
    })
    if (settings.params.entry === 'http-connect') {
      void readConnectRequest(socket, settings.helloTimeoutMs).then((request) =>
        this.onConnectRequest(request),
      )
    } else {
      this.readHello()
    }
  }

  private onConnectRequest(request: ConnectRequest): void {
    const { socket, record } = this
    if (!request.ok) {
      record.helloError = `CONNECT_${request.code}: ${request.message}`
      record.outcome = HANG_UPS.has(request.code) ? 'client-hung-up' : 'handshake-failed'
      this.incident(`connect-${request.code.toLowerCase().replace(/_/g, '-')}`, request.message)
      if (HANG_UPS.has(request.code)) socket.destroy()
      else
        this.reject(request.code === 'TOO_LARGE' ? '431 Request Header Fields Too Large' : '400 Bad Request')
      return
    }
    record.connectTarget = `${request.host}:${request.port}`
    if (this.settings.params.isConnectTargetAllowed?.(request.host, request.port) === false) {
      record.outcome = 'refused'
      this.incident(
        'connect-target-refused',
        `CONNECT ${record.connectTarget} is not a target this proxy serves`,
      )
      this.reject('403 Forbidden')
      return
    }
    this.target = { host: request.host, port: request.port }
    socket.write(CONNECT_ESTABLISHED)
    if (request.rest.length > 0) socket.unshift(request.rest)
    this.readHello()
  }

  private reject(status: string): void {
    this.socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    this.socket.destroySoon()
  }

  private readHello(): void {
    // Nobody reads the offered hello (no records, no hello-shaping profile): OpenSSL reads the SNI itself.
    if (this.settings.skipsHelloPeek) return this.terminate(null)
    void readClientHello(this.socket, { timeoutMs: this.settings.helloTimeoutMs }).then(({ hello, bytes }) =>
      this.onHello(hello, bytes),
    )
  }

  private onHello(parse: ClientHelloParse, bytes: Buffer): void {
    const { socket, record } = this
    if (!parse.ok) {
      record.helloError = `${parse.code}: ${parse.message}`
      record.outcome =
        parse.code === 'TRUNCATED' || parse.code === 'TIMEOUT' || parse.code === 'SOCKET_ERROR'
          ? 'client-hung-up'
          : 'handshake-failed'
      this.incident(`hello-${parse.code.toLowerCase().replace(/_/g, '-')}`, parse.message)
      socket.destroy()
      return
    }
    this.hello = parse.hello
    record.sni = parse.hello.sni
    if (socket.destroyed) return
    if (this.settings.params.mode === 'passthrough') this.relayCiphertext(bytes)
    else this.terminate(bytes)
  }

  /** The control: the proxy relays bytes it cannot read. */
  private relayCiphertext(hello: Buffer): void {
    const { socket: client, record } = this
    record.outcome = 'passthrough'
    record.upstream = { version: null, cipher: null, error: null }
    const upstream = netConnect(this.target.port, this.target.host)
    upstream.setNoDelay(true)
    this.upstream = upstream
    upstream.once('connect', () => (this.isUpstreamReady = true))
    upstream.on('error', (error) => this.onUpstreamError(error, client))
    upstream.write(hello)
    client.pipe(upstream)
    upstream.pipe(client)
    client.once('close', () => upstream.destroy())
    upstream.once('close', () => client.destroy())
    client.resume()
  }

  /**
   * Terminates the client's TLS with a forged chain. With the peeked hello the chain is chosen
   * now; without (`hello` null) OpenSSL's servername callback asks for it mid-handshake, which
   * spares the JS read, parse and unshift of the hello (~0.1 ms a connection).
   */
  private terminate(hello: Buffer | null): void {
    const { socket, record, settings } = this
    const served = this.forge(record.sni)
    if (served === null) return
    this.served = served
    const isPooled = settings.pool !== null
    if (settings.params.connectUpstream === 'with-hello' && !isPooled && hello !== null) this.openUpstream()
    if (hello !== null) socket.unshift(hello)
    if (hello !== null && settings.wantsRecords) this.measureClientLegGroup(hello, served)
    // The TLS socket owns the timeout from here: the raw socket no longer sees reads in JS.
    socket.setTimeout(0)
    const client = new TLSSocket(
      socket,
      withRelayBuffer({
        isServer: true,
        secureContext: served.secureContext,
        ALPNProtocols: ALPN_HTTP1,
        ...(hello === null
          ? {
              SNICallback: (name: string, use: (error: Error | null, context?: SecureContext) => void) =>
                this.onServername(name, use),
            }
          : {}),
      }),
    )
    this.clientTls = client
    // Without the peek, the hello timeout runs on the TLS socket until the handshake completes.
    client.setTimeout(hello === null ? settings.helloTimeoutMs : settings.idleTimeoutMs, () => {
      if (this.isClientSecure || hello !== null)
        this.incident('idle-timeout', `The client was idle for ${settings.idleTimeoutMs} ms; closed`)
      else
        this.incident(
          'hello-timeout',
          `The client did not complete its TLS handshake within ${settings.helloTimeoutMs} ms; closed`,
        )
      client.destroy()
    })
    client.on('error', (error) => {
      if (this.isClientSecure) return
      const alert = alertFromError(error)
      record.clientAlert = alert
      if (isCertificateAlert(alert)) record.outcome = 'client-rejected'
      else if (isPeerHangUp(error)) record.outcome = 'client-hung-up'
      else {
        record.outcome = 'handshake-failed'
        record.error = {
          code: String((error as NodeJS.ErrnoException).code ?? 'TLS_ERROR'),
          message: error.message,
        }
      }
      this.incident('client-handshake-failed', `${alert ?? ''} ${error.message}`.trim())
    })
    client.once('close', () => {
      this.upstream?.destroy()
      this.exchange?.dispose()
      this.headDeadline?.dispose()
    })
    if (settings.pool !== null && hello !== null) this.startExchangeRelay(client, settings.pool)
    client.once('secure', () => {
      this.isClientSecure = true
      if (hello === null) client.setTimeout(settings.idleTimeoutMs)
      if (settings.wantsRecords) {
        record.negotiated = {
          version: client.getProtocol() ?? 'unknown',
          cipher: client.getCipher().standardName,
          alpn: typeof client.alpnProtocol === 'string' ? client.alpnProtocol : null,
          ...(this.clientLegGroup === undefined ? {} : { group: this.clientLegGroup }),
        }
      }
      if (record.outcome === 'open') record.outcome = 'client-closed-after-handshake'
      if (settings.pool !== null) {
        // Without SNI the servername callback never ran: the relay starts now, for the default host.
        if (this.exchange === null) this.startExchangeRelay(client, settings.pool)
        return this.exchange?.start()
      }
      this.readClient(client)
      if (this.upstream === null) this.openUpstream()
      this.startRelayWhenReady()
    })
  }

  /** The client-facing leg's key-exchange group: node:tls does not tell a server, so OpenSSL is asked by replay. */
  private measureClientLegGroup(hello: Buffer, served: ServedCertificate): void {
    void probeServerGroup(hello, served.secureContext).then((group) => {
      this.clientLegGroup = group
      if (this.record.negotiated !== null) this.record.negotiated.group = group
    })
  }

  /**
   * What the proxy reads out of the plaintext lives in the record: with nobody reading records
   * there is nothing to keep it for (and a keep-alive client's requests would pile up in memory).
   */
  private readsPlaintext(): boolean {
    return this.settings.wantsRecords && this.settings.params.recordPlaintext !== false
  }

  /** OpenSSL read the SNI (RFC 6066 §3): serve that host's forged chain, and reach for the upstream now. */
  private onServername(name: string, use: (error: Error | null, context?: SecureContext) => void): void {
    const { record, settings } = this
    record.sni = name
    const served = this.forge(name)
    if (served === null) return use(new Error(`No certificate for ${name}`))
    this.served = served
    if (settings.pool !== null && this.clientTls !== null)
      this.startExchangeRelay(this.clientTls, settings.pool)
    use(null, served.secureContext)
  }

  /** The forged chain for `sni`; a name that cannot be forged is recorded and closes the connection (null). */
  private forge(sni: string | null): ServedCertificate | null {
    const certificateFor = this.settings.params.certificateFor
    if (certificateFor === undefined) throw new Error('terminate mode needs certificateFor')
    try {
      return certificateFor(sni)
    } catch (error) {
      const { record } = this
      record.outcome = 'handshake-failed'
      record.error = { code: 'FORGE_FAILED', message: (error as Error).message }
      this.incident('forge-failed', (error as Error).message)
      this.socket.destroy()
      return null
    }
  }

  private startExchangeRelay(client: TLSSocket, pool: UpstreamPool): void {
    if (this.exchange !== null) return
    this.exchange = this.newExchangeRelay(client, pool)
    if (this.settings.params.connectUpstream === 'with-hello') this.exchange.prepareUpstream()
  }

  /** Pooled mode: requests go over borrowed upstream connections, framed by llhttp. */
  private newExchangeRelay(client: TLSSocket, pool: UpstreamPool): HttpExchangeRelay {
    const { record, settings } = this
    return new HttpExchangeRelay({
      client,
      pool,
      origin: this.target,
      servername: record.sni ?? undefined,
      recorder: this.readsPlaintext() ? new RequestRecorder(record.plaintext) : null,
      responseRecorder: this.readsPlaintext() ? new ResponseRecorder(record.plaintext) : null,
      headTimeoutMs: settings.headTimeoutMs,
      onUpstreamReady: (upstream) => this.onPooledUpstreamReady(upstream),
      onUpstreamFailure: (error, answered) =>
        answered ? this.recordUpstreamFailure(error) : this.onUpstreamError(error, client),
      ...(settings.wantsRecords
        ? {
            onUpstreamKeyLog: (line: Buffer) =>
              (record.upstreamKeyLog = (record.upstreamKeyLog ?? '') + line.toString('latin1')),
          }
        : {}),
      onRequest: () => {
        if (record.outcome === 'client-closed-after-handshake') record.outcome = 'relayed'
      },
      onIncident: (type, message) => this.incident(type, message),
    })
  }

  private onPooledUpstreamReady(upstream: PooledUpstream): void {
    this.isUpstreamReady = true
    if (!this.settings.wantsRecords || this.record.upstream !== null) return
    this.record.upstream = {
      version: upstream.socket.getProtocol(),
      cipher: upstream.socket.getCipher().standardName,
      group: upstreamLegGroup(upstream.socket),
      error: null,
    }
  }

  private openUpstream(): TLSSocket {
    const { params, upstreamContext, wantsRecords } = this.settings
    const { record } = this
    const servername = record.sni ?? undefined
    // Node verifies the chain and the name (RFC 6125) before 'secureConnect', and destroys the socket on failure.
    const upstream = tlsConnect(
      withRelayBuffer({
        host: this.target.host,
        port: this.target.port,
        ...(servername === undefined ? {} : { servername }),
        secureContext: upstreamContextFor(params, upstreamContext, this.hello),
        rejectUnauthorized: params.upstream.rejectUnauthorized ?? true,
        ALPNProtocols: ['http/1.1'],
      }),
    )
    upstream.setNoDelay(true)
    this.upstream = upstream
    record.upstream = { version: null, cipher: null, error: null }
    if (wantsRecords) {
      upstream.on('keylog', (line: Buffer) => {
        record.upstreamKeyLog = (record.upstreamKeyLog ?? '') + line.toString('latin1')
      })
    }
    upstream.once('secureConnect', () => {
      if (wantsRecords && record.upstream !== null) {
        record.upstream.version = upstream.getProtocol()
        record.upstream.cipher = upstream.getCipher().standardName
        record.upstream.group = upstreamLegGroup(upstream)
      }
      this.isUpstreamReady = true
      this.startRelayWhenReady()
    })
    upstream.on('error', (error) => this.onUpstreamError(error, this.clientTls ?? this.socket))
    upstream.once('close', () => {
      if (!this.isClosingClientGracefully) (this.clientTls ?? this.socket).destroy()
    })
    return upstream
  }

  /** Pooled mode: the relay answered the client (502) itself; the record and the incident remain. */
  private recordUpstreamFailure(error: Error): void {
    this.record.upstream ??= { version: null, cipher: null, error: null }
    this.record.upstream.error = error.message
    this.record.outcome = 'upstream-failed'
    this.incident('upstream-error', error.message)
  }

  private onUpstreamError(error: Error, client: Socket): void {
    this.record.upstream ??= { version: null, cipher: null, error: null }
    this.record.upstream.error = error.message
    // Before the genuine server proved itself, any error (a reset included) means it could not be reached.
    if (!isPeerHangUp(error) || !this.isUpstreamReady) {
      if (this.record.outcome !== 'passthrough') this.record.outcome = 'upstream-failed'
      this.incident('upstream-error', error.message)
    }
    if (client instanceof TLSSocket && client.encrypted && !client.destroyed && !this.isUpstreamReady) {
      // close_notify (RFC 8446 §6.1), not a bare FIN: a client that checks it must not take an
      // unreachable upstream for a truncation attack. Bounded: a peer that never closes is cut.
      this.isClosingClientGracefully = true
      client.end()
      setTimeout(() => client.destroy(), 1_000).unref()
      return
    }
    client.destroy()
  }

  /**
   * Reads the client from the moment it accepted the forged chain: the sniffer
   * sees every byte, and what arrives before the genuine server is ready waits
   * in a bounded buffer (holdEarlyData).
   */
  private readClient(client: TLSSocket): void {
    const { record } = this
    client.once('data', () => {
      if (record.outcome === 'client-closed-after-handshake') record.outcome = 'relayed'
    })
    // The same llhttp framing as the pooled relay, recording or not: the head deadline needs to know
    // where heads begin and end even when nobody reads the plaintext.
    const deadline = new HeadDeadline(this.settings.headTimeoutMs, () => this.onHeadTimeout(client))
    this.headDeadline = deadline
    const sniffer = new HttpSniffer(this.readsPlaintext() ? record.plaintext : null, {
      onGiveUp: (type, message) => this.incident(type, message),
      onHeadBegin: () => deadline.begin(),
      onHeadEnd: () => deadline.end(),
    })
    this.sniffer = sniffer
    client.on('data', (chunk: Buffer) => sniffer.push(chunk))
    if (!this.isUpstreamReady) this.releaseEarlyData = holdEarlyData(client)
  }

  private onHeadTimeout(client: TLSSocket): void {
    // The relay itself stopped reading the client (backpressure): the rest of the head cannot arrive yet.
    if (client.isPaused()) return this.headDeadline?.begin()
    this.incident(
      'head-timeout',
      `The client did not complete a request head within ${this.settings.headTimeoutMs} ms of its first byte; closed`,
    )
    client.destroy()
  }

  /** Plaintext flows upstream only once the client accepted the forged chain and the genuine server proved its identity. */
  private startRelayWhenReady(): void {
    const client = this.clientTls
    const upstream = this.upstream
    if (
      client === null ||
      upstream === null ||
      !this.isClientSecure ||
      !this.isUpstreamReady ||
      this.isRelaying
    )
      return
    this.isRelaying = true
    this.releaseEarlyData?.(upstream)
    this.releaseEarlyData = null
    // pipe() respects backpressure in both directions (and resumes a paused client); bodies stream, never buffer whole.
    client.pipe(upstream)
    upstream.pipe(client)
    if (this.readsPlaintext()) readResponses(upstream, new ResponseRecorder(this.record.plaintext))
  }

  private incident(type: string, message: string): void {
    this.hasIncident = true
    this.settings.params.onIncident?.({ type, message, connectionId: this.id })
  }

  /** Fills in the costly parts of the record only now, and only when someone reads records. */
  private finish(): void {
    if (this.isFinished) return
    this.isFinished = true
    const { record } = this
    if (record.outcome === 'open') record.outcome = 'client-hung-up'
    // A peer that vanished silently is an incident too (issue 10: every incident recorded).
    if (!this.hasIncident && this.served !== null && !this.isClientSecure) {
      this.incident(
        'client-vanished-mid-handshake',
        'The client closed before finishing the TLS handshake, without an alert',
      )
    } else if (this.sniffer?.isInsideBody() === true || this.exchange?.isInsideRequestBody() === true) {
      this.incident('client-vanished-mid-body', 'The connection closed in the middle of a request body')
    }
    this.sniffer?.close()
    if (!this.settings.wantsRecords) return this.settings.finish(null)
    const upstreamBytes =
      this.exchange === null
        ? this.upstream
        : { bytesWritten: this.exchange.bytesToUpstream, bytesRead: this.exchange.bytesFromUpstream }
    completeRecord(record, {
      hello: this.hello,
      served: this.served,
      client: this.clientTls ?? this.socket,
      upstream: upstreamBytes,
    })
    this.settings.finish(record)
  }
}
