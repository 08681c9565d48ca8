import { createServer, type Server } from 'node:https'
import type { AddressInfo, Server as NetServer } from 'node:net'
import type { GenuineRequest } from '../lab/scenario-result.js'
import { LabError } from '../errors.js'
import { createBankSite } from './bank-site.js'
import { judgeClientHello } from './judge-client-hello.js'
import { peekClientHellos, type HelloPeek } from './hello-peek.js'
import { recordBodyIncidents, recordConnectionIncidents, type GenuineIncident } from './genuine-incidents.js'

export type { GenuineIncident, GenuineIncidentType } from './genuine-incidents.js'

export interface StartGenuineServerParams {
  /** The server's chain, PEM, leaf first. */
  certificateChainPem: string
  privateKeyPem: string
  /** Default: 127.0.0.1. */
  host?: string
  /** Default: 0 (any free port). */
  port?: number
  /** Hostile and broken peers (garbage, timeouts, oversized input, vanishing clients), one call each. */
  onIncident?: (incident: GenuineIncident) => void
  /** Bounds that keep hostile peers from holding the origin. Defaults in DEFAULT_GENUINE_LIMITS. */
  limits?: Partial<GenuineLimits>
}

export interface GenuineLimits {
  /** A TCP peer must complete the TLS handshake within this. */
  handshakeTimeoutMs: number
  /** ... and send a complete request head within this (slowloris). */
  headersTimeoutMs: number
  /** ... and a complete request within this. */
  requestTimeoutMs: number
  /** Idle keep-alive connections close after this. */
  keepAliveTimeoutMs: number
  /** How often Node checks the two timeouts above (its default, 30 s, would let slowloris last 35 s). */
  checkIntervalMs: number
  /** Request head limit in bytes (Node's default is 16 KiB). */
  maxHeaderBytes: number
  /** Keep at most this many recorded requests (a long-lived server must not grow without bound). */
  maxRecordedRequests: number
  /** Open connections at most; extra ones are closed at once and recorded as connection-refused. */
  maxConnections: number
}

export const DEFAULT_GENUINE_LIMITS: GenuineLimits = {
  handshakeTimeoutMs: 5_000,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  maxHeaderBytes: 16_384,
  maxRecordedRequests: 10_000,
  maxConnections: 1_000,
}

export interface GenuineServer {
  port: number
  host: string
  /** Every request that reached the site, in order (the newest maxRecordedRequests). */
  requests: GenuineRequest[]
  /** Open TCP connections right now: hostile peers must not pile up. */
  connectionCount(): number
  close(): Promise<void>
}

/** The real origin: the lab bank over HTTPS with its genuine certificate. */
export async function startGenuineServer(params: StartGenuineServerParams): Promise<GenuineServer> {
  const limits = { ...DEFAULT_GENUINE_LIMITS, ...params.limits }
  const requests: GenuineRequest[] = []
  const host = params.host ?? '127.0.0.1'
  const report = (incident: GenuineIncident): void => {
    try {
      params.onIncident?.(incident)
    } catch {
      // A broken listener must not turn a hostile peer into a crash.
    }
  }
  let peek: HelloPeek | null = null
  const site = createBankSite(
    (request) => {
      requests.push(request)
      if (requests.length > limits.maxRecordedRequests) requests.shift()
    },
    (request) => {
      const hello = peek?.helloOf(request.socket.remoteAddress, request.socket.remotePort) ?? null
      return hello === null ? null : judgeClientHello(hello, request)
    },
  )
  site.use(recordBodyIncidents(report))
  const server: Server = createServer(
    {
      key: params.privateKeyPem,
      cert: params.certificateChainPem,
      ALPNProtocols: ['http/1.1'],
      handshakeTimeout: limits.handshakeTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
      maxHeaderSize: limits.maxHeaderBytes,
    },
    site,
  )
  // A peer that sends garbage, stalls or hangs up is an expected event, recorded, not a crash.
  const { connectionCount, sockets } = recordConnectionIncidents(server, report)
  peek = peekClientHellos(server, limits.handshakeTimeoutMs)
  const front = peek.front
  // Connections arrive at the front: beyond maxConnections net.Server closes them itself and says so with 'drop' (Node >= 18.6).
  front.maxConnections = limits.maxConnections
  front.on('drop', (peer?: { remoteAddress?: string }) =>
    report({ type: 'connection-refused', message: `at the limit of ${limits.maxConnections} connections`, code: null, remoteAddress: peer?.remoteAddress ?? null }),
  )
  await listen(front, host, params.port ?? 0)
  // The https server never listens itself (the peek front does), but its request and header
  // timeouts are armed by its own 'listening' event (node lib/_http_server.js setupConnectionsTracking).
  server.emit('listening')
  return {
    port: (front.address() as AddressInfo).port,
    host,
    requests,
    connectionCount: () => connectionCount() + (peek?.peekingCount() ?? 0),
    close: () => {
      // closeAllConnections only knows HTTP connections; a peer still in (or stuck before) the handshake is ours to end.
      for (const socket of sockets) socket.destroy()
      front.close()
      return closeServer(server)
    },
  }
}

export function listen(server: NetServer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void =>
      reject(new LabError('SERVER_START_FAILED', `Cannot listen on ${host}:${port}: ${error.message}`, { cause: error }))
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve()
    })
  })
}

export function closeServer(server: NetServer & { closeAllConnections?: () => void }): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections?.()
  })
}
