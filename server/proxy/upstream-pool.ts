import {
  connect as tlsConnect,
  checkServerIdentity,
  type PeerCertificate,
  type SecureContext,
  type TLSSocket,
} from 'node:tls'

export interface UpstreamOrigin {
  host: string
  port: number
}

/** Whoever is reading a pooled connection right now (one client connection's exchange relay). */
export interface UpstreamLessee {
  onUpstreamSecure(upstream: PooledUpstream): void
  onUpstreamData(chunk: Buffer): void
  /** The server ended its side (close_notify or FIN). */
  onUpstreamEnd(): void
  /** The connection is gone; `error` when it failed rather than closed. */
  onUpstreamClose(error: Error | null): void
  onUpstreamDrain(): void
  /** A TLS secret of a connection opened for this lessee (NSS key log line). */
  onUpstreamKeyLog?(line: Buffer): void
}

export interface UpstreamPoolParams {
  /** Shared by every connection: the CA to verify against, the cipher preference. */
  context: SecureContext
  rejectUnauthorized: boolean
  /** Idle connections kept per origin; more are closed as they come back. Default: 64. */
  maxIdlePerOrigin?: number
  /**
   * Idle connections are closed after this. Default: 4 s — below the 5 s
   * keep-alive timeout of Node and express servers, so the proxy, not the
   * server, closes an idle connection and a request is rarely sent into a
   * connection the server is closing.
   */
  idleTimeoutMs?: number
  /** Hand each new connection's TLS secrets to the lessee that opened it (for records and captures). */
  keyLog?: boolean
}

export interface UpstreamPoolStats {
  opened: number
  reused: number
  idle: number
}

/** Names checked against one connection's certificate, at most: a flood of SNIs cannot grow it. */
const MAX_NAMES_CHECKED = 256

/**
 * One TLS connection to a genuine server, lent to one client connection at a
 * time. Its listeners are attached once and dispatch to the current lessee, so
 * a lease costs an assignment, not listener churn.
 */
export class PooledUpstream {
  lessee: UpstreamLessee | null
  isSecure = false
  /** False once the connection may not carry another exchange (closing, a framing doubt, a tunnel). */
  isReusable = true
  /** Exchanges completed on it: a reused connection may have been closed by the server in between. */
  exchanges = 0
  private readonly namesChecked = new Map<string, boolean>()
  private peerCertificate: PeerCertificate | null = null
  idleTimer: NodeJS.Timeout | null = null

  constructor(
    readonly socket: TLSSocket,
    readonly originKey: string,
    readonly servername: string | undefined,
    lessee: UpstreamLessee,
  ) {
    this.lessee = lessee
  }

  /**
   * May a request for `name` go over this connection? Yes when the certificate the server proved
   * it holds passes the checks a new connection for `name` would make (connection reuse, RFC 9113
   * §9.1.1), so a new forged host on the same genuine server needs no new upstream handshake. A
   * server that disagrees answers 421 (RFC 9110 §15.5.20), which the client may retry.
   */
  covers(name: string | undefined, mustVerify: boolean): boolean {
    if (name === this.servername) return true
    if (name === undefined || !mustVerify || !this.socket.authorized) return false
    const known = this.namesChecked.get(name)
    if (known !== undefined) return known
    this.peerCertificate ??= this.socket.getPeerCertificate()
    const answer = checkServerIdentity(name, this.peerCertificate) === undefined
    if (this.namesChecked.size < MAX_NAMES_CHECKED) this.namesChecked.set(name, answer)
    return answer
  }
}

/**
 * Keeps TLS connections to genuine servers open between client connections
 * and lends them out, as reverse proxies do (nginx `keepalive`, Envoy's
 * connection pools): a client connection then costs the proxy one TLS
 * handshake (its own, with the forged certificate) instead of two. The lender
 * (the exchange relay) borrows per HTTP exchange and returns a connection only
 * at a message boundary. Idle connections are LIFO (the warmest first),
 * bounded per origin, and closed after `idleTimeoutMs`.
 */
export class UpstreamPool {
  private readonly idle = new Map<string, PooledUpstream[]>()
  private readonly maxIdlePerOrigin: number
  private readonly idleTimeoutMs: number
  private opened = 0
  private reused = 0
  private isClosed = false

  constructor(private readonly params: UpstreamPoolParams) {
    this.maxIdlePerOrigin = params.maxIdlePerOrigin ?? 64
    this.idleTimeoutMs = params.idleTimeoutMs ?? 4_000
  }

  /**
   * A connection to `origin` able to serve `servername`, lent to `lessee`:
   * an idle one when there is one, else a new one (check `isSecure`; the
   * lessee hears `onUpstreamSecure` when it is). `fresh` skips the idle ones
   * (a retry after a pooled connection died under a request).
   */
  lease(
    origin: UpstreamOrigin,
    servername: string | undefined,
    lessee: UpstreamLessee,
    fresh = false,
  ): PooledUpstream {
    const key = originKey(origin)
    const idle = fresh ? undefined : this.idle.get(key)
    if (idle !== undefined) {
      for (let i = idle.length - 1; i >= 0; i--) {
        const candidate = idle[i]
        if (
          candidate === undefined ||
          !candidate.covers(servername ?? origin.host, this.params.rejectUnauthorized)
        )
          continue
        idle.splice(i, 1)
        if (idle.length === 0) this.idle.delete(key)
        if (candidate.idleTimer !== null) clearTimeout(candidate.idleTimer)
        candidate.idleTimer = null
        candidate.lessee = lessee
        this.reused++
        return candidate
      }
    }
    return this.open(origin, key, servername, lessee)
  }

  /**
   * Takes a connection back at a message boundary. One still in its handshake
   * (opened for a client that left before asking anything) joins the idle ones
   * when it is secure; one that may not be reused is closed.
   */
  release(upstream: PooledUpstream): void {
    upstream.lessee = null
    const socket = upstream.socket
    if (this.isClosed || !upstream.isReusable || socket.destroyed || !socket.writable) {
      socket.destroy()
      return
    }
    if (!upstream.isSecure) return
    this.keepIdle(upstream)
  }

  private keepIdle(upstream: PooledUpstream): void {
    const socket = upstream.socket
    if (socket.destroyed || !socket.writable) {
      socket.destroy()
      return
    }
    const idle = this.idle.get(upstream.originKey) ?? []
    if (idle.length >= this.maxIdlePerOrigin) {
      socket.end()
      return
    }
    // A lessee may have paused it for its own backpressure; idle, it must still see the server's close.
    socket.resume()
    idle.push(upstream)
    this.idle.set(upstream.originKey, idle)
    upstream.idleTimer = setTimeout(() => this.evict(upstream), this.idleTimeoutMs)
    upstream.idleTimer.unref()
  }

  stats(): UpstreamPoolStats {
    let idle = 0
    for (const list of this.idle.values()) idle += list.length
    return { opened: this.opened, reused: this.reused, idle }
  }

  close(): void {
    this.isClosed = true
    for (const list of this.idle.values()) for (const upstream of list) this.evict(upstream)
    this.idle.clear()
  }

  private open(
    origin: UpstreamOrigin,
    key: string,
    servername: string | undefined,
    lessee: UpstreamLessee,
  ): PooledUpstream {
    this.opened++
    // Node verifies the chain and the name (RFC 6125) before 'secureConnect', and destroys the socket on failure.
    const socket = tlsConnect({
      host: origin.host,
      port: origin.port,
      ...(servername === undefined ? {} : { servername }),
      secureContext: this.params.context,
      rejectUnauthorized: this.params.rejectUnauthorized,
      ALPNProtocols: ['http/1.1'],
    })
    socket.setNoDelay(true)
    const upstream = new PooledUpstream(socket, key, servername, lessee)
    if (this.params.keyLog === true)
      socket.on('keylog', (line: Buffer) => upstream.lessee?.onUpstreamKeyLog?.(line))
    socket.once('secureConnect', () => {
      upstream.isSecure = true
      if (upstream.lessee !== null) upstream.lessee.onUpstreamSecure(upstream)
      else if (upstream.isReusable && !this.isClosed) this.keepIdle(upstream)
      else socket.destroy()
    })
    socket.on('data', (chunk: Buffer) => {
      if (upstream.lessee !== null) return upstream.lessee.onUpstreamData(chunk)
      // Bytes while idle: nobody asked (RFC 9112 §9.6 lets a server close with a 408, nothing else fits).
      this.evict(upstream)
    })
    socket.on('drain', () => upstream.lessee?.onUpstreamDrain())
    socket.on('end', () => {
      upstream.isReusable = false
      if (upstream.lessee !== null) upstream.lessee.onUpstreamEnd()
      else this.evict(upstream)
    })
    let failure: Error | null = null
    socket.on('error', (error) => {
      upstream.isReusable = false
      failure = error
    })
    socket.once('close', () => {
      upstream.isReusable = false
      this.forget(upstream)
      const current = upstream.lessee
      upstream.lessee = null
      current?.onUpstreamClose(failure)
    })
    return upstream
  }

  private evict(upstream: PooledUpstream): void {
    upstream.isReusable = false
    this.forget(upstream)
    upstream.socket.destroy()
  }

  private forget(upstream: PooledUpstream): void {
    if (upstream.idleTimer !== null) clearTimeout(upstream.idleTimer)
    upstream.idleTimer = null
    const idle = this.idle.get(upstream.originKey)
    if (idle === undefined) return
    const index = idle.indexOf(upstream)
    if (index >= 0) idle.splice(index, 1)
    if (idle.length === 0) this.idle.delete(upstream.originKey)
  }
}

function originKey(origin: UpstreamOrigin): string {
  return `${origin.host}:${origin.port}`
}
