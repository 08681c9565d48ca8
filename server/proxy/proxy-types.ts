import type { UpstreamProfileId } from '../fingerprint/upstream-profiles.js'
import type { SecureContext, SecureVersion } from 'node:tls'
import type { ConnectionRecord } from './connection-record.js'
import type { UpstreamPoolStats } from './upstream-pool.js'

/** What the proxy presents for one SNI: a ready secure context and the chain it holds (for the record). */
export interface ServedCertificate {
  secureContext: SecureContext
  chainDer: Buffer[]
  chainSubjects: { subject: string; issuer: string }[]
}

/** Something worth a log line: garbage, timeouts, refusals, upstream failures. */
export interface ProxyIncident {
  type: string
  message: string
  connectionId: number
}

export interface StartInterceptingProxyParams {
  /** terminate: forge and decrypt; passthrough: relay ciphertext (the control). */
  mode: 'terminate' | 'passthrough'
  /**
   * The genuine server. In 'http-connect' entry mode, each CONNECT names its own
   * host and port; caPem and rejectUnauthorized still apply.
   */
  upstream: {
    host: string
    port: number
    caPem: string
    rejectUnauthorized?: boolean
    /** OpenSSL cipher list (TLS 1.3 suites included) the proxy offers upstream, in preference order. Default: Node's. */
    ciphers?: string
    /**
     * How the upstream ClientHello is built (server/fingerprint/upstream-profiles.ts): the proxy's own
     * defaults, a weakened legacy middlebox, or a mirror of each client's hello as far as node:tls
     * allows (the arms race against server-side fingerprinting). Default: 'node-default'.
     */
    profile?: UpstreamProfileId
  }
  /**
   * tls: the client connects here as if DNS were hijacked (reverse proxy).
   * http-connect: an explicit proxy; the client sends `CONNECT host:port` (RFC 9110 §9.3.6) first.
   * Default: tls.
   */
  entry?: 'tls' | 'http-connect'
  /** Which CONNECT targets may be reached (http-connect only). Default: any. */
  isConnectTargetAllowed?: (host: string, port: number) => boolean
  /**
   * after-handshake: reach the genuine server once the client accepted the forged chain (the lab's default).
   * with-hello: as soon as the ClientHello is read, in parallel with the client handshake
   * (mitmproxy's "eager" strategy), which hides one round trip from the client.
   */
  connectUpstream?: 'after-handshake' | 'with-hello'
  /**
   * per-client: one upstream connection per client connection, its bytes relayed untouched (the
   * lab's default: the genuine server sees every victim connection, and its fingerprint, as its own).
   * pooled: an HTTP/1.1-aware relay borrows kept-alive upstream connections per exchange
   * (server/proxy/upstream-pool.ts), so a client connection costs one TLS handshake instead of two;
   * a connection that switches protocols (Upgrade, CONNECT) keeps its own. Terminate mode with the
   * 'node-default' upstream profile only (the other profiles shape each client's own upstream hello).
   * Default: per-client.
   */
  upstreamConnections?: 'per-client' | 'pooled'
  /** Pooled mode: idle upstream connections kept per origin (default 64) and for how long (default 4 s). */
  upstreamPool?: { maxIdlePerOrigin?: number; idleTimeoutMs?: number }
  /** Asked once per connection in terminate mode; cache inside when forging is costly. */
  certificateFor?: (sni: string | null) => ServedCertificate
  /** The proxy's client-facing TLS policy: downgrade attacks narrow it. Default: Node's defaults. */
  clientFacingTls?: { minVersion?: SecureVersion; maxVersion?: SecureVersion; ciphers?: string }
  /** Called once per connection when it closes. */
  onRecord?: (record: ConnectionRecord) => void
  /** Incidents worth a log line: garbage, timeouts, refusals, upstream failures. */
  onIncident?: (incident: ProxyIncident) => void
  /** Keep every record in `proxy.records`. Default: true. A long-running proxy turns it off. */
  keepRecords?: boolean
  /** Read requests and credentials out of the decrypted stream. Default: true. */
  recordPlaintext?: boolean
  /** Default: 127.0.0.1. */
  host?: string
  /** Default: 0. */
  port?: number
  /** Give up on a client that sends no whole ClientHello (or CONNECT head) within this. Default: 5 s. */
  helloTimeoutMs?: number
  /** Close connections idle this long (between requests too). Default: 30 s. */
  idleTimeoutMs?: number
  /**
   * A request head must be complete this long after its first byte, or the connection is closed
   * and a 'head-timeout' incident recorded (slowloris; Node's http server calls it headersTimeout).
   * Terminate mode, both relays. Default: 5 s.
   */
  headTimeoutMs?: number
  /** Open client connections at most; extras are closed at once and recorded as 'refused'. Default: 10,000. */
  maxConnections?: number
}

export interface InterceptingProxy {
  port: number
  host: string
  records: ConnectionRecord[]
  /** Connections open right now. */
  openConnections(): number
  /** Pooled mode: upstream connections opened, reuses, idle now; null in per-client mode. */
  upstreamPoolStats(): UpstreamPoolStats | null
  /** Resolves once every open connection has closed and been recorded, or after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<void>
  close(): Promise<void>
}
