import type { TLSSocket } from 'node:tls'
import { HeadDeadline } from './head-deadline.js'
import { headerValue, HttpParser, type MessageHead, type ParseResult } from './http-parser.js'
import type { RequestRecorder } from './request-recorder.js'
import type { ResponseRecorder } from './response-recorder.js'
import { refusalByOrigin, type RequestRefusal } from './request-refusal.js'
import type { PooledUpstream, UpstreamLessee, UpstreamOrigin, UpstreamPool } from './upstream-pool.js'

/** Client bytes held while an upstream connection is being opened; past this the client is paused. */
const OUTBOX_LIMIT = 64 * 1024
/**
 * Requests forwarded ahead of their responses, at most (pipelining depth towards the server). A server
 * buffers the responses it cannot send yet and, past its own bound, pauses reading; Node's http server
 * then fails pipelined requests already in flight ("Parse Error: Paused", measured with 2,000 pipelined
 * GETs), so the server would drop requests the proxy recorded as forwarded. Eight bank responses stay
 * well under Node's 16 KiB. Further requests wait in the client's stream (held, bounded, then paused).
 */
const MAX_IN_FLIGHT = 8
/**
 * RFC 9110 §9.2.2: a proxy must not retry a non-idempotent request on its own. These are also the
 * methods that carry no body in practice, so their heads are all there is to resend.
 */
const RETRYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

interface PendingRequest {
  method: string
  head: Buffer
  isRetryable: boolean
}

export interface ExchangeRelayParams {
  /** The client's TLS socket, after it accepted the forged chain. */
  client: TLSSocket
  pool: UpstreamPool
  origin: UpstreamOrigin
  /** SNI for new upstream connections, and the name a pooled connection must cover. */
  servername: string | undefined
  /** Reads credentials out of each request; null when the proxy does not sniff. */
  recorder: RequestRecorder | null
  /** Writes each response onto its request's flow; null when the proxy does not sniff. */
  responseRecorder?: ResponseRecorder | null
  /** A request head must be complete this long after its first byte (slowloris); see head-deadline.ts. */
  headTimeoutMs: number
  /** An upstream connection became usable for this client (new or from the pool). */
  onUpstreamReady(upstream: PooledUpstream): void
  /**
   * The genuine server could not serve this client: it could not be reached, or it failed
   * mid-exchange. `answered`: the relay already told the client with a 502 and is closing it.
   */
  onUpstreamFailure(error: Error, answered: boolean): void
  /** TLS secrets of the upstream connections opened for this client (NSS key log lines). */
  onUpstreamKeyLog?: (line: Buffer) => void
  /** The first request arrived. */
  onRequest(): void
  onIncident(type: string, message: string): void
}

/**
 * The plaintext relay of one client connection, HTTP/1.1-aware, over pooled
 * upstream connections. Requests are framed by llhttp and forwarded with a
 * rebuilt head (the client's `Connection: close` stays between client and
 * proxy: RFC 9110 §7.6.1 makes Connection hop-by-hop); responses are
 * forwarded byte for byte while llhttp finds where each ends. Between
 * exchanges the upstream connection goes back to the pool, so an idle client
 * holds one TLS session, not two, and the next client skips the upstream
 * handshake.
 *
 * The server sees exactly the requests the relay framed, recorded and
 * forwarded, never bytes the two could read differently (issue 17): requests
 * are re-serialized from llhttp's view, framing llhttp refuses is answered 400
 * and nothing after it is forwarded, and the requests a server refuses on their
 * head are refused here (refusalFor). After an Upgrade or CONNECT request the
 * client's bytes are held until the server answers it: a switch (101, or 2xx to
 * CONNECT) turns the connection into a byte tunnel, anything else means the
 * server stayed with HTTP/1.1 (RFC 9110 §7.8) and the held bytes are framed as
 * requests like any others. A response llhttp cannot frame also ends in a tunnel.
 */
export class HttpExchangeRelay implements UpstreamLessee {
  private upstream: PooledUpstream | null = null
  private readonly requests: HttpParser
  private readonly responses: HttpParser
  private readonly pending: PendingRequest[] = []
  private outbox: Buffer[] = []
  private outboxBytes = 0
  private isInsideRequest = false
  private isChunkedRequest = false
  private isClientDone = false
  private clientMustClose = false
  private isTunnel = false
  private isInformational = false
  private responseKeepsAlive = true
  private hasResponseBytes = false
  private hasRetried = false
  private hasRequest = false
  private isClientPaused = false
  private isUpstreamPaused = false
  private isClosed = false
  /** The relay's own last answer to the client (a refusal), sent once every earlier response is out. */
  private closingAnswer: string | null = null
  /** The request being forwarded asks to leave HTTP (Upgrade, CONNECT). */
  private isSwitchRequest = false
  /** An Upgrade or CONNECT request was forwarded: client bytes wait for the server's answer to it. */
  private isAwaitingSwitch = false
  /** MAX_IN_FLIGHT requests await responses: client bytes wait for one. */
  private isThrottled = false
  private held: Buffer[] = []
  /** Upstream bytes produced by the client read being parsed, written together once it is (flushBatch). */
  private batch: Buffer[] | null = null
  private heldBytes = 0
  private readonly headDeadline: HeadDeadline
  bytesToUpstream = 0
  bytesFromUpstream = 0

  constructor(private readonly params: ExchangeRelayParams) {
    this.headDeadline = new HeadDeadline(params.headTimeoutMs, () => this.onHeadTimeout())
    this.requests = new HttpParser('request', {
      onBegin: () => {
        if (!this.isClientDone) this.headDeadline.begin()
      },
      onHead: (head) => this.onRequestHead(head),
      onBody: (chunk) => this.onRequestBody(chunk),
      onComplete: () => this.onRequestComplete(),
    })
    const responseRecorder = params.responseRecorder ?? null
    this.responses = new HttpParser('response', {
      onHead: (head) => this.onResponseHead(head),
      // Only when someone reads the flows: otherwise llhttp skips bodies by arithmetic, nothing copied.
      ...(responseRecorder === null ? {} : { onBody: (chunk: Buffer) => responseRecorder.bodyChunk(chunk) }),
      onComplete: () => this.onResponseComplete(),
    })
  }

  /** Opens (or borrows) the upstream connection now, in parallel with the client handshake. */
  prepareUpstream(): void {
    if (this.upstream === null && !this.isClosed) this.leaseUpstream()
  }

  /** Starts reading the client (call once it accepted the forged chain). */
  start(): void {
    const client = this.params.client
    client.on('data', (chunk: Buffer) => this.onClientData(chunk))
    client.on('drain', () => {
      if (!this.isUpstreamPaused) return
      this.isUpstreamPaused = false
      this.upstream?.socket.resume()
    })
  }

  /** Inside a request body right now (for the vanished-mid-body incident). */
  isInsideRequestBody(): boolean {
    return this.isInsideRequest
  }

  /** The client connection closed: give the upstream back if it is between exchanges. */
  dispose(): void {
    if (this.isClosed) return
    this.isClosed = true
    const upstream = this.upstream
    this.upstream = null
    if (upstream !== null) {
      if (this.pending.length > 0 || this.isInsideRequest || this.isTunnel) upstream.isReusable = false
      this.params.pool.release(upstream)
    }
    // A client that vanished mid-body leaves the head the attacker read; a request still waiting
    // for the server's answer to its Upgrade was never answered, so never processed.
    if (this.isInsideRequest) this.params.recorder?.flush()
    else this.params.recorder?.discard()
    this.headDeadline.dispose()
    this.requests.free()
    this.responses.free()
  }

  // ---- client → upstream ----

  private onClientData(chunk: Buffer): void {
    if (this.isClosed) return
    if (this.isTunnel) return this.send(chunk)
    // After a request that closes the connection nothing more is read (RFC 9112 §9.6).
    if (this.isClientDone) return
    if (this.isAwaitingSwitch || this.isThrottled) return this.hold(chunk)
    // What one client read produces upstream (heads, bodies) goes in one write, as in per-client mode:
    // 2,000 pipelined requests make a few TLS records, not 2,000 (which, besides costing a record each,
    // made the genuine server fail with llhttp's "Paused" once it paused for its own backpressure).
    this.batch = []
    let result: ParseResult
    try {
      result = this.requests.execute(chunk)
    } finally {
      this.flushBatch()
    }
    if (!result.ok) return this.refuseFraming(result)
    // llhttp stops after an Upgrade or CONNECT request (what follows waits for the server's answer),
    // and at the pipelining bound (what follows waits for responses).
    if ((this.isAwaitingSwitch || this.isThrottled) && result.bytes < chunk.length)
      this.hold(chunk.subarray(result.bytes))
  }

  private onRequestHead(head: MessageHead): 'body' | 'no-body' | 'stop-after' {
    this.headDeadline.end()
    // Past a refusal llhttp still frames the rest of the read: none of it is forwarded.
    if (this.isClientDone) return 'body'
    const method = head.method ?? ''
    if (!this.hasRequest) {
      this.hasRequest = true
      this.params.onRequest()
    }
    const refusal = refusalFor(head)
    if (refusal !== null) {
      this.refuse(refusal)
      return 'body'
    }
    this.params.recorder?.head(method, head.url ?? '', (name) => headerValue(head.rawHeaders, name), head.rawHeaders)
    this.isInsideRequest = true
    this.isSwitchRequest = head.upgrade
    if (!head.shouldKeepAlive) this.clientMustClose = true
    const transferEncoding = headerValue(head.rawHeaders, 'transfer-encoding')
    this.isChunkedRequest = transferEncoding !== undefined
    const hasBody = this.isChunkedRequest || Number(headerValue(head.rawHeaders, 'content-length') ?? '0') > 0
    const bytes = serializeRequestHead(head, true)
    this.pending.push({
      method,
      head: bytes,
      isRetryable: !hasBody && !head.upgrade && RETRYABLE_METHODS.has(method),
    })
    this.send(bytes)
    // At the pipelining bound, llhttp stops after this request and the rest of the read waits for
    // responses. Only for a request without a body: llhttp skips the body of a message it stops after.
    if (this.pending.length >= MAX_IN_FLIGHT && !hasBody && !head.upgrade) {
      this.isThrottled = true
      return 'stop-after'
    }
    return 'body'
  }

  private onRequestBody(chunk: Buffer): void {
    // Only the body of a request that is being forwarded: not a refused one's.
    if (!this.isInsideRequest) return
    this.params.recorder?.bodyChunk(chunk)
    if (!this.isChunkedRequest) return this.send(chunk)
    // llhttp hands the body over de-chunked; it goes upstream re-chunked (RFC 9112 §7.1).
    this.send(Buffer.from(`${chunk.length.toString(16)}\r\n`, 'latin1'))
    this.send(chunk)
    this.send(CRLF)
  }

  private onRequestComplete(): void {
    if (!this.isInsideRequest) return
    // RFC 9112 §7.1.2: a recipient that removes the chunked coding may discard the trailer section.
    if (this.isChunkedRequest) this.send(LAST_CHUNK)
    this.isInsideRequest = false
    this.isChunkedRequest = false
    if (this.isSwitchRequest) {
      // Recorded once the server answers it (onResponseHead): a CONNECT the server drops was never processed.
      this.isSwitchRequest = false
      this.isAwaitingSwitch = true
    } else {
      this.params.recorder?.end()
    }
    if (this.clientMustClose) this.isClientDone = true
    this.afterExchange()
  }

  /** Refused by the relay itself: nothing of it goes upstream; the client gets `refusal.status` once earlier responses are out, then the connection closes. */
  private refuse(refusal: RequestRefusal, incident = 'http-request-refused'): void {
    this.params.onIncident(
      incident,
      `The client sent ${refusal.reason}; answered ${refusal.status} and closed, nothing forwarded`,
    )
    this.params.recorder?.discard()
    this.closingAnswer = `HTTP/1.1 ${refusal.status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`
    this.isClientDone = true
    this.afterExchange()
  }

  private refuseFraming(result: Extract<ParseResult, { ok: false }>): void {
    // Past a refusal or a request carrying `close` (RFC 9112 §9.6: what follows is not processed, and
    // llhttp flags it as HPE_CLOSED_CONNECTION) nothing is read any more: nothing to answer.
    if (this.isClientDone) return
    if (!this.isInsideRequest) {
      this.refuse(
        { status: '400 Bad Request', reason: `a request llhttp refuses (${result.code}: ${result.reason})` },
        'http-request-invalid',
      )
      return
    }
    // Part of this request already went upstream: that connection is spoiled, and the client cannot be
    // answered in order. Both are cut, and the server never processes the half request.
    this.params.onIncident(
      'http-request-invalid',
      `The client sent a request llhttp refuses (${result.code}: ${result.reason}) mid-body; both connections closed`,
    )
    this.params.recorder?.discard()
    this.isInsideRequest = false
    this.isClientDone = true
    if (this.upstream !== null) this.upstream.isReusable = false
    this.params.client.destroy()
  }

  /** Client bytes sent after an Upgrade or CONNECT request, kept (bounded: the client is paused) until the server answers it. */
  private hold(chunk: Buffer): void {
    this.held.push(chunk)
    this.heldBytes += chunk.length
    if (this.heldBytes >= OUTBOX_LIMIT) this.pauseClient()
  }

  /** The server declined the switch, or answered enough: the held bytes are HTTP/1.1 requests like any others. */
  private releaseHeld(): void {
    if (this.isClosed) return
    const held = this.held
    this.held = []
    this.heldBytes = 0
    for (const chunk of held) this.onClientData(chunk)
    this.resumeClient()
  }

  private flushBatch(): void {
    const batch = this.batch
    this.batch = null
    if (batch === null || batch.length === 0) return
    this.send(batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch))
  }

  private send(data: Buffer, fresh = false): void {
    if (this.batch !== null && !fresh) {
      this.batch.push(data)
      return
    }
    const upstream = this.upstream ?? this.leaseUpstream(fresh)
    if (!upstream.isSecure || this.outbox.length > 0) {
      this.outbox.push(data)
      this.outboxBytes += data.length
      if (this.outboxBytes >= OUTBOX_LIMIT) this.pauseClient()
      return
    }
    this.bytesToUpstream += data.length
    if (!upstream.socket.write(data)) this.pauseClient()
  }

  private leaseUpstream(fresh = false): PooledUpstream {
    const upstream = this.params.pool.lease(this.params.origin, this.params.servername, this, fresh)
    this.upstream = upstream
    this.hasResponseBytes = false
    if (this.isTunnel) upstream.isReusable = false
    if (upstream.isSecure) this.params.onUpstreamReady(upstream)
    return upstream
  }

  private pauseClient(): void {
    if (this.isClientPaused) return
    this.isClientPaused = true
    this.params.client.pause()
  }

  private resumeClient(): void {
    if (
      !this.isClientPaused ||
      this.outboxBytes >= OUTBOX_LIMIT ||
      this.heldBytes >= OUTBOX_LIMIT ||
      this.upstream?.socket.writableNeedDrain === true
    )
      return
    this.isClientPaused = false
    this.params.client.resume()
  }

  // ---- upstream → client (UpstreamLessee) ----

  onUpstreamSecure(upstream: PooledUpstream): void {
    if (upstream !== this.upstream) return
    this.params.onUpstreamReady(upstream)
    const queued = this.outbox
    this.outbox = []
    this.outboxBytes = 0
    for (const data of queued) {
      this.bytesToUpstream += data.length
      upstream.socket.write(data)
    }
    this.resumeClient()
  }

  onUpstreamDrain(): void {
    this.resumeClient()
  }

  onUpstreamKeyLog(line: Buffer): void {
    this.params.onUpstreamKeyLog?.(line)
  }

  onUpstreamData(chunk: Buffer): void {
    this.bytesFromUpstream += chunk.length
    const upstream = this.upstream
    if (this.isClosed || upstream === null) return
    if (!this.isTunnel && this.pending.length === 0) {
      // Nothing was asked: a server that talks out of turn gets no further exchanges.
      this.params.onIncident(
        'upstream-unsolicited-bytes',
        `The genuine server sent ${chunk.length} bytes no request asked for; connection dropped`,
      )
      upstream.isReusable = false
      upstream.socket.destroy()
      return
    }
    this.hasResponseBytes = true
    // Forwarded as received: the response the client reads is the genuine server's, byte for byte.
    if (!this.params.client.write(chunk)) {
      this.isUpstreamPaused = true
      upstream.socket.pause()
    }
    if (this.isTunnel) return
    const result = this.responses.execute(chunk)
    if (!result.ok) {
      this.params.onIncident(
        'http-response-unframed',
        `llhttp cannot frame the genuine server's response (${result.code}: ${result.reason}); relayed as a tunnel`,
      )
      this.isTunnel = true
      upstream.isReusable = false
      return
    }
    this.afterExchange()
  }

  private onResponseHead(head: MessageHead): 'body' | 'no-body' {
    const status = head.statusCode ?? 0
    // RFC 9110 §15.2: interim responses precede the final one for the same request.
    if (status >= 100 && status < 200 && status !== 101) {
      this.isInformational = true
      return 'no-body'
    }
    const request = this.pending[0]
    if (request !== undefined && this.isAwaitingSwitch && this.pending.length === 1) {
      // The server answered the Upgrade or CONNECT request: it processed it.
      this.params.recorder?.end()
      this.isAwaitingSwitch = false
      if (status === 101 || (request.method === 'CONNECT' && status >= 200 && status < 300)) {
        this.startTunnel()
        return 'body'
      }
      // RFC 9110 §7.8: the server declined and stays with HTTP/1.1; what the client sent meanwhile is
      // framed as requests (after this callback: the response parser is mid-execute).
      queueMicrotask(() => this.releaseHeld())
    }
    if (request === undefined || status === 101) {
      // A switch of protocols, or a response to nothing: not HTTP exchanges any more.
      this.isTunnel = true
      if (this.upstream !== null) this.upstream.isReusable = false
      return 'body'
    }
    this.responseKeepsAlive = head.shouldKeepAlive
    this.params.responseRecorder?.head(head)
    // RFC 9110 §9.3.2: a response to HEAD has no body whatever its Content-Length says.
    return request.method === 'HEAD' ? 'no-body' : 'body'
  }

  private onResponseComplete(): void {
    if (this.isInformational) {
      this.isInformational = false
      return
    }
    if (this.isTunnel) return
    this.params.responseRecorder?.end()
    this.pending.shift()
    this.hasResponseBytes = false
    if (this.isThrottled && this.pending.length < MAX_IN_FLIGHT) {
      this.isThrottled = false
      // After this callback: the response parser is mid-execute.
      queueMicrotask(() => this.releaseHeld())
    }
    // The retry guard is per request, not per client connection: an exchange completed since, so the
    // next pooled connection that dies under a request may be retried once again.
    this.hasRetried = false
    const upstream = this.upstream
    if (upstream !== null) {
      upstream.exchanges++
      if (!this.responseKeepsAlive) {
        // The server closes after this response, and the client was told so in the head it received.
        upstream.isReusable = false
        this.clientMustClose = true
        this.isClientDone = true
        // A final answer before the request body ended (an early 413, 401...): the exchange is over, the
        // rest of the body is read by nobody (isClientDone), and the client is closed after the response
        // rather than left waiting until the server's close is taken for an upstream failure.
        if (this.pending.length === 0) this.isInsideRequest = false
      }
    }
  }

  /** The server switched protocols: from here on both directions are bytes, and what the client sent meanwhile goes first. */
  private startTunnel(): void {
    this.isTunnel = true
    if (this.upstream !== null) this.upstream.isReusable = false
    const held = this.held
    this.held = []
    this.heldBytes = 0
    for (const chunk of held) this.send(chunk)
    this.resumeClient()
  }

  /** Between exchanges (every request answered, none begun): the upstream goes back, and a closing client is closed. */
  private afterExchange(): void {
    if (this.pending.length > 0 || this.isInsideRequest || this.isTunnel || this.isClosed) return
    const upstream = this.upstream
    if (upstream !== null && upstream.isSecure) {
      this.upstream = null
      this.isUpstreamPaused = false
      this.params.pool.release(upstream)
    }
    if (this.closingAnswer !== null) {
      const answer = this.closingAnswer
      this.closingAnswer = null
      this.params.client.end(answer)
    } else if (this.clientMustClose) this.params.client.end()
  }

  private onHeadTimeout(): void {
    // The relay itself stopped reading the client (backpressure): the rest of the head cannot arrive yet.
    if (this.isClientPaused) return this.headDeadline.begin()
    this.params.onIncident(
      'head-timeout',
      `The client did not complete a request head within ${this.params.headTimeoutMs} ms of its first byte; closed`,
    )
    this.params.client.destroy()
  }

  onUpstreamEnd(): void {
    if (this.isClosed) return
    if (this.isTunnel) {
      this.params.client.end()
      return
    }
    // A body delimited by the close ends here (RFC 9112 §6.3, last rule).
    if (this.hasResponseBytes) {
      this.responses.finish()
      this.afterExchange()
    }
  }

  onUpstreamClose(error: Error | null): void {
    const upstream = this.upstream
    if (this.isClosed || upstream === null) return
    this.upstream = null
    if (!upstream.isSecure) {
      this.fail(error ?? new Error('The genuine server closed the connection during the TLS handshake'))
      return
    }
    if (this.isTunnel) {
      if (error === null) this.params.client.end()
      else this.params.client.destroy()
      return
    }
    if (this.pending.length === 0 && !this.isInsideRequest) return
    if (this.canRetry(upstream)) {
      // RFC 9112 §9.3.1: a server may close an idle persistent connection just as a request is sent on it.
      // The idempotent requests it never answered go again, once, on a fresh connection.
      this.hasRetried = true
      this.outbox = []
      this.outboxBytes = 0
      for (const request of this.pending) this.send(request.head, true)
      return
    }
    const reason =
      error ??
      new Error(
        this.hasResponseBytes
          ? 'The genuine server closed the connection mid-response'
          : 'The genuine server closed the connection without responding',
      )
    this.fail(reason)
  }

  /**
   * A request that got no response byte is answered 502 (RFC 9110 §15.6.3: a gateway that received no
   * valid response), as a browser behind any proxy expects; the client is then closed. A response cut
   * mid-way cannot be mended: the client is cut too, so it sees the truncation.
   */
  private fail(error: Error): void {
    const isAnswerable = this.pending.length > 0 && !this.hasResponseBytes && !this.isTunnel
    if (isAnswerable) {
      const body = `mitmlab proxy: the genuine server failed: ${error.message}\n`
      this.isClientDone = true
      this.params.client.end(
        `HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      )
    }
    this.params.onUpstreamFailure(error, isAnswerable)
  }

  private canRetry(upstream: PooledUpstream): boolean {
    return (
      !this.hasRetried &&
      !this.hasResponseBytes &&
      !this.isInsideRequest &&
      upstream.exchanges > 0 &&
      this.pending.every((request) => request.isRetryable)
    )
  }
}

/**
 * The requests the relay answers itself instead of forwarding:
 * - versions other than HTTP/1.0 and 1.1, which it cannot frame for the server (RFC 9110 §15.6.6);
 * - Transfer-Encoding in an HTTP/1.0 request. RFC 9112 §6.1: a server MUST treat such a message's
 *   framing as faulty and close after it, since HTTP/1.0 has no chunked coding and a hop may frame it by
 *   Content-Length or by the close instead. Forwarding it lets the proxy and the server disagree on
 *   where it ends (a smuggled request after an empty chunk); normalizing it (de-chunk, then a
 *   Content-Length) would mean holding whole bodies. Refusing is the one choice in which nothing the
 *   proxy did not read reaches the server;
 * - what every origin refuses on the head (request-refusal.ts): the server would not process it either.
 */
function refusalFor(head: MessageHead): RequestRefusal | null {
  if (head.versionMajor !== 1 || (head.versionMinor !== 0 && head.versionMinor !== 1))
    return {
      status: '505 HTTP Version Not Supported',
      reason: `an HTTP/${head.versionMajor}.${head.versionMinor} request`,
    }
  if (head.versionMinor === 0 && headerValue(head.rawHeaders, 'transfer-encoding') !== undefined)
    return { status: '400 Bad Request', reason: 'Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1)' }
  return refusalByOrigin(head)
}

const CRLF = Buffer.from('\r\n', 'latin1')
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1')

/**
 * The head as forwarded. With `dropClose`, the `close` option leaves the
 * Connection field: it concerns the client's connection to the proxy, and the
 * proxy keeps its own connection to the server open (RFC 9110 §7.6.1).
 * llhttp hands fields over as latin1 strings, so bytes round-trip exactly.
 */
function serializeRequestHead(head: MessageHead, dropClose: boolean): Buffer {
  let text = `${head.method ?? 'GET'} ${head.url ?? '/'} HTTP/${head.versionMajor}.${head.versionMinor}\r\n`
  const raw = head.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? ''
    const value = raw[i + 1] ?? ''
    if (dropClose && name.length === 10 && name.toLowerCase() === 'connection') {
      const options = value
        .split(',')
        .map((option) => option.trim())
        .filter((option) => option !== '' && option.toLowerCase() !== 'close')
      if (options.length > 0) text += `${name}: ${options.join(', ')}\r\n`
      continue
    }
    text += `${name}: ${value}\r\n`
  }
  return Buffer.from(`${text}\r\n`, 'latin1')
}
