import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { createSecureContext, type SecureContext } from 'node:tls'
import { closeServer, listen } from '../genuine/genuine-server.js'
import { newConnectionRecord, type ConnectionRecord } from './connection-record.js'
import { ProxyConnection, type ProxySettings } from './proxy-connection.js'
import type { InterceptingProxy, StartInterceptingProxyParams } from './proxy-types.js'
import { waitUntil } from '../util/wait-until.js'
import { UpstreamPool } from './upstream-pool.js'
import { LabError } from '../errors.js'

export type {
  InterceptingProxy,
  ProxyIncident,
  ServedCertificate,
  StartInterceptingProxyParams,
} from './proxy-types.js'

const DEFAULT_MAX_CONNECTIONS = 10_000
/** What the genuine server allows for a request head (its headersTimeout), and Node's own order of magnitude. */
export const DEFAULT_HEAD_TIMEOUT_MS = 5_000

/**
 * The impersonating proxy. The client reaches it as if DNS were hijacked (it
 * connects here with SNI `bank.lab`), or names it as its explicit proxy and
 * sends `CONNECT host:port` first. The proxy reads the ClientHello, then
 * either terminates TLS with a forged chain and relays plaintext to the
 * genuine server over its own TLS connection, or relays the bytes untouched.
 * A bad or vanishing peer is recorded, never fatal; past `maxConnections`
 * new connections are refused and recorded.
 */
export async function startInterceptingProxy(
  params: StartInterceptingProxyParams,
): Promise<InterceptingProxy> {
  const records: ConnectionRecord[] = []
  const sockets = new Set<Socket>()
  const keepRecords = params.keepRecords !== false
  const maxConnections = params.maxConnections ?? DEFAULT_MAX_CONNECTIONS
  const publish = (record: ConnectionRecord): void => {
    if (keepRecords) records.push(record)
    params.onRecord?.(record)
  }
  const upstreamContext = createSecureContext({
    ...(params.upstream.caPem === '' ? {} : { ca: params.upstream.caPem }),
    ...(params.upstream.ciphers === undefined ? {} : { ciphers: params.upstream.ciphers }),
  })
  const wantsRecords = keepRecords || params.onRecord !== undefined
  const settings: ProxySettings = {
    params,
    upstreamContext,
    pool:
      params.upstreamConnections === 'pooled' ? pooledUpstreams(params, upstreamContext, wantsRecords) : null,
    helloTimeoutMs: params.helloTimeoutMs ?? 5_000,
    idleTimeoutMs: params.idleTimeoutMs ?? 30_000,
    headTimeoutMs: params.headTimeoutMs ?? DEFAULT_HEAD_TIMEOUT_MS,
    wantsRecords,
    skipsHelloPeek:
      !wantsRecords &&
      params.mode === 'terminate' &&
      (params.upstream.profile ?? 'node-default') === 'node-default',
    finish: (record) => {
      unfinished--
      if (record !== null) publish(record)
    },
  }
  let nextId = 1
  /** Accepted connections whose record is not out yet: whenIdle waits for those too. */
  let unfinished = 0
  const server: Server = createServer((socket) => {
    const id = nextId++
    if (sockets.size >= maxConnections) {
      refuse(socket, id, maxConnections, settings, publish)
      return
    }
    // A relay forwards small writes (request heads, TLS records) at once: Nagle would hold them for an ACK.
    socket.setNoDelay(true)
    sockets.add(socket)
    unfinished++
    socket.once('close', () => sockets.delete(socket))
    new ProxyConnection(socket, id, settings).start()
  })
  server.on('error', () => {})
  await listen(server, params.host ?? '127.0.0.1', params.port ?? 0)
  return {
    port: (server.address() as AddressInfo).port,
    host: params.host ?? '127.0.0.1',
    records,
    openConnections: () => sockets.size,
    whenIdle: (timeoutMs) => waitUntil(() => unfinished === 0, timeoutMs),
    upstreamPoolStats: () => settings.pool?.stats() ?? null,
    close: async () => {
      settings.pool?.close()
      for (const socket of sockets) socket.destroy()
      await closeServer(server)
    },
  }
}

function pooledUpstreams(
  params: StartInterceptingProxyParams,
  context: SecureContext,
  keyLog: boolean,
): UpstreamPool {
  if (params.mode !== 'terminate' || (params.upstream.profile ?? 'node-default') !== 'node-default') {
    throw new LabError(
      'CONFIG_INVALID',
      "Pooled upstream connections need terminate mode and the 'node-default' upstream profile (the others shape each client's own upstream hello)",
    )
  }
  return new UpstreamPool({
    context,
    rejectUnauthorized: params.upstream.rejectUnauthorized ?? true,
    keyLog,
    ...(params.upstreamPool?.maxIdlePerOrigin === undefined
      ? {}
      : { maxIdlePerOrigin: params.upstreamPool.maxIdlePerOrigin }),
    ...(params.upstreamPool?.idleTimeoutMs === undefined
      ? {}
      : { idleTimeoutMs: params.upstreamPool.idleTimeoutMs }),
  })
}

/** Over the limit: close at once (a reset, cheaper than a TLS alert) and say so. */
function refuse(
  socket: Socket,
  id: number,
  maxConnections: number,
  settings: ProxySettings,
  publish: (record: ConnectionRecord) => void,
): void {
  socket.on('error', () => {})
  socket.destroy()
  const message = `${maxConnections} connections already open; refused`
  settings.params.onIncident?.({ type: 'connection-limit', message, connectionId: id })
  if (!settings.wantsRecords) return
  const record = newConnectionRecord(
    id,
    settings.params.mode,
    `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`,
  )
  record.outcome = 'refused'
  record.endedAt = record.startedAt
  record.error = { code: 'CONNECTION_LIMIT', message }
  publish(record)
}
