import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net'
import {
  connect as tlsConnect,
  createSecureContext,
  createServer as createTlsServer,
  type SecureContext,
  type TLSSocket,
} from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { chainPem, issueCertificate, type IssuedCertificate } from '../../../ca/index.js'
import {
  startInterceptingProxy,
  type InterceptingProxy,
  type ProxyIncident,
  type StartInterceptingProxyParams,
} from '../../../server/proxy/intercepting-proxy.js'
import { testPki } from '../../support/lab-pki.js'
import { servedCertificate } from './support/served-certificate.js'

/**
 * End to end through `upstreamConnections: 'pooled'`: real TLS on loopback on
 * both legs, with upstream servers written here so every response byte is
 * known. What is asserted is what a peer can observe: the bytes the client
 * reads, the TLS connections the upstream server accepted, the proxy's
 * records, incidents and pool counters.
 */

const pki = testPki()
/** Every wait in this file gives up after this: a hang fails the test instead of the suite. */
const WAIT_MS = 5_000

// The forged leaf the victim trusts (via the installed interception CA): the genuine leaf's names
// and a wildcard for the coalescing tests. One leaf for every SNI: forging is not under test here.
const forged = issueCertificate({
  subject: { CN: 'bank.lab' },
  issuer: pki.interceptionCa,
  key: pki.genuineLeaf.key,
  sans: [{ dns: 'bank.lab' }, { dns: 'www.bank.lab' }, { dns: '*.bench.lab' }],
})
const served = servedCertificate(forged, pki.interceptionCa)

/** A genuine-side leaf under the trusted intermediate (the genuine leaf's key: key generation is slow). */
function upstreamLeaf(names: string[]): IssuedCertificate {
  return issueCertificate({
    subject: { CN: names[0] ?? 'bench.lab' },
    issuer: pki.trustedIntermediate,
    key: pki.genuineLeaf.key,
    sans: names.map((dns) => ({ dns })),
    basicConstraints: { ca: false },
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['serverAuth'],
  })
}

function tlsOptions(leaf: IssuedCertificate = pki.genuineLeaf): { key: string; cert: string } {
  return { key: leaf.key.privateKeyPem, cert: chainPem(leaf, pki.trustedIntermediate) }
}

// ---- bounded waiting ----

/** Polls `probe` until it returns something other than undefined; rejects after WAIT_MS. */
function eventually<T>(probe: () => T | undefined, what: string, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      let value: T | undefined
      try {
        value = probe()
      } catch (error) {
        return reject(error as Error)
      }
      if (value !== undefined) return resolve(value)
      if (Date.now() >= deadline)
        return reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`))
      setTimeout(poll, 5)
    }
    poll()
  })
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

// ---- the victim: a raw TLS client with an independent HTTP/1.1 response reader ----

interface ParsedResponse {
  status: number
  /** Lower-cased names; repeated fields joined. */
  headers: Map<string, string>
  /** De-chunked. */
  body: string
  /** The bytes of this response exactly as received. */
  raw: Buffer
}

/**
 * One response at the start of `data`, or undefined when it is not complete yet.
 * Written here from RFC 9112 §6.3 rather than with the parser under test.
 */
function parseResponse(
  data: Buffer,
  method: string,
  hasEnded: boolean,
): { response: ParsedResponse; length: number } | undefined {
  const headEnd = data.indexOf('\r\n\r\n')
  if (headEnd < 0) return undefined
  const [statusLine = '', ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n')
  const status = Number(statusLine.split(' ')[1])
  const headers = new Map<string, string>()
  for (const line of lines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers.set(name, headers.has(name) ? `${headers.get(name) ?? ''}, ${value}` : value)
  }
  let at = headEnd + 4
  let body = ''
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) {
    // No body whatever the head says (RFC 9112 §6.3 rules 1-2).
  } else if (/chunked\s*$/i.test(headers.get('transfer-encoding') ?? '')) {
    for (;;) {
      const lineEnd = data.indexOf('\r\n', at)
      if (lineEnd < 0) return undefined
      const size = parseInt(data.subarray(at, lineEnd).toString('latin1').split(';')[0] ?? '', 16)
      if (Number.isNaN(size)) throw new Error(`Bad chunk size line at ${at}`)
      at = lineEnd + 2
      if (size === 0) {
        const trailerEnd =
          data.subarray(at, at + 2).toString('latin1') === '\r\n' ? at - 2 : data.indexOf('\r\n\r\n', at - 2)
        if (trailerEnd < 0 || data.length < trailerEnd + 4) return undefined
        at = trailerEnd + 4
        break
      }
      if (data.length < at + size + 2) return undefined
      body += data.subarray(at, at + size).toString('latin1')
      at += size + 2
    }
  } else if (headers.has('content-length')) {
    const length = Number(headers.get('content-length'))
    if (data.length < at + length) return undefined
    body = data.subarray(at, at + length).toString('latin1')
    at += length
  } else {
    // Close-delimited: complete only once the connection ended.
    if (!hasEnded) return undefined
    body = data.subarray(at).toString('latin1')
    at = data.length
  }
  return { response: { status, headers, body, raw: data.subarray(0, at) }, length: at }
}

const clients: LabClient[] = []

/** A victim that trusts the installed interception CA and speaks HTTP/1.1 over one TLS connection. */
class LabClient {
  readonly socket: TLSSocket
  private data = Buffer.alloc(0)
  private readAt = 0
  private isSecure = false
  /** The proxy ended its side (close_notify / FIN): the connection was closed, not reset. */
  hasEnded = false
  isClosed = false
  error: Error | null = null

  constructor(port: number, servername = 'bank.lab') {
    this.socket = tlsConnect({
      host: '127.0.0.1',
      port,
      servername,
      ca: pki.interceptionCa.pem,
      ALPNProtocols: ['http/1.1'],
    })
    this.socket.once('secureConnect', () => (this.isSecure = true))
    this.socket.on('data', (chunk: Buffer) => (this.data = Buffer.concat([this.data, chunk])))
    this.socket.on('end', () => (this.hasEnded = true))
    this.socket.on('error', (error) => (this.error = error))
    this.socket.once('close', () => (this.isClosed = true))
    clients.push(this)
  }

  /** Everything received so far. */
  get received(): Buffer {
    return this.data
  }

  /** What arrived after the last response read (tunnel payload after a 101). */
  get unread(): Buffer {
    return this.data.subarray(this.readAt)
  }

  async connected(): Promise<this> {
    await eventually(
      () => (this.isSecure ? true : this.error !== null || this.isClosed ? false : undefined),
      'the client handshake',
    ).then((ok) => {
      if (!ok) throw new Error(`The client handshake failed: ${this.error?.message ?? 'closed'}`)
    })
    return this
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  /** The next response on the connection; an interim (1xx) response counts as one. */
  response(method = 'GET'): Promise<ParsedResponse> {
    return eventually(() => {
      const parsed = parseResponse(this.data.subarray(this.readAt), method, this.hasEnded)
      if (parsed === undefined) {
        if (this.isClosed)
          throw new Error(
            `The connection closed before a whole response to ${method} (${this.unread.length} bytes unread)`,
          )
        return undefined
      }
      this.readAt += parsed.length
      return parsed.response
    }, `a response to ${method}`)
  }

  async closed(): Promise<void> {
    await eventually(() => (this.isClosed ? true : undefined), 'the client connection to close')
  }
}

async function openClient(port: number, servername = 'bank.lab'): Promise<LabClient> {
  return new LabClient(port, servername).connected()
}

/** One client connection, one request with `Connection: close`: the response, once the proxy closed. */
async function fetchOnce(port: number, path: string, servername = 'bank.lab'): Promise<ParsedResponse> {
  const client = await openClient(port, servername)
  client.write(`GET ${path} HTTP/1.1\r\nHost: ${servername}\r\nConnection: close\r\n\r\n`)
  const response = await client.response()
  await client.closed()
  expect(client.hasEnded).toBe(true)
  return response
}

// ---- genuine servers ----

const closers: (() => Promise<void>)[] = []

interface SeenRequest {
  method: string
  url: string
  httpVersion: string
  rawHeaders: string[]
  body: string
  /** Which accepted TLS connection carried it (0 = the first). */
  connection: number
}

interface HttpsUpstream {
  port: number
  /** TLS connections the server accepted, counted on 'secureConnection'. */
  tlsConnections(): number
  /** The SNI of each accepted connection. */
  servernames: string[]
  requests: SeenRequest[]
  /** Accepted connections that have closed since. */
  closedConnections(): number
}

/** A node:https genuine server; `respond` runs once the whole request body is in. */
async function startHttpsUpstream(
  respond: (req: IncomingMessage, res: ServerResponse, body: string) => void,
  options: {
    leaf?: IssuedCertificate
    SNICallback?: (name: string, cb: (error: Error | null, context?: SecureContext) => void) => void
    keepAliveTimeoutMs?: number
  } = {},
): Promise<HttpsUpstream> {
  const server = createHttpsServer({
    ...tlsOptions(options.leaf),
    ...(options.SNICallback === undefined ? {} : { SNICallback: options.SNICallback }),
  })
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs
  const connectionOf = new WeakMap<object, number>()
  const servernames: string[] = []
  const requests: SeenRequest[] = []
  let closed = 0
  server.on('secureConnection', (socket: TLSSocket) => {
    connectionOf.set(socket, servernames.length)
    servernames.push(typeof socket.servername === 'string' ? socket.servername : '')
    socket.once('close', () => closed++)
  })
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('latin1')
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        httpVersion: req.httpVersion,
        rawHeaders: req.rawHeaders,
        body,
        connection: connectionOf.get(req.socket) ?? -1,
      })
      respond(req, res, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return {
    port: (server.address() as AddressInfo).port,
    tlsConnections: () => servernames.length,
    servernames,
    requests,
    closedConnections: () => closed,
  }
}

interface RawRequest {
  /** The head exactly as received, blank line included. */
  head: string
  body: Buffer
  connection: number
  /** 0 for the first request on its connection. */
  indexOnConnection: number
}

interface RawUpstream {
  port: number
  tlsConnections(): number
  requests: RawRequest[]
  /** The indexes of accepted connections that have closed since. */
  closed: number[]
}

/**
 * A node:tls genuine server that writes its responses by hand. Requests are cut
 * at the blank line plus Content-Length (enough for what the tests send, chunked bodies aside);
 * `handle` answers on the socket and may return a function that takes every
 * later byte of the connection (after a switch of protocols).
 */
async function startRawUpstream(
  handle: (request: RawRequest, socket: TLSSocket) => void | ((data: Buffer) => void),
  options: { answerOnHead?: boolean } = {},
): Promise<RawUpstream> {
  const server = createTlsServer(tlsOptions())
  const sockets = new Set<TLSSocket>()
  const requests: RawRequest[] = []
  const closed: number[] = []
  let accepted = 0
  server.on('secureConnection', (socket: TLSSocket) => {
    const connection = accepted++
    sockets.add(socket)
    socket.once('close', () => {
      sockets.delete(socket)
      closed.push(connection)
    })
    socket.on('error', () => {})
    let buffered = Buffer.alloc(0)
    let indexOnConnection = 0
    let tunnel: ((data: Buffer) => void) | null = null
    socket.on('data', (chunk: Buffer) => {
      if (tunnel !== null) return tunnel(chunk)
      buffered = Buffer.concat([buffered, chunk])
      for (;;) {
        const headEnd = buffered.indexOf('\r\n\r\n')
        if (headEnd < 0) return
        const head = buffered.subarray(0, headEnd + 4).toString('latin1')
        // answerOnHead: the server answers as soon as the head is in, and reads no body (an early 413).
        const length =
          options.answerOnHead === true ? 0 : Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? '0')
        if (buffered.length < headEnd + 4 + length) return
        const request: RawRequest = {
          head,
          body: buffered.subarray(headEnd + 4, headEnd + 4 + length),
          connection,
          indexOnConnection: indexOnConnection++,
        }
        buffered = buffered.subarray(headEnd + 4 + length)
        requests.push(request)
        const next = handle(request, socket)
        if (typeof next === 'function') {
          tunnel = next
          if (buffered.length > 0) next(buffered)
          return
        }
        if (socket.destroyed) return
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return { port: (server.address() as AddressInfo).port, tlsConnections: () => accepted, requests, closed }
}

// ---- the proxy ----

let proxy: InterceptingProxy | undefined
let incidents: ProxyIncident[] = []

async function startProxy(
  upstreamPort: number,
  extra: Partial<StartInterceptingProxyParams> = {},
): Promise<InterceptingProxy> {
  proxy = await startInterceptingProxy({
    mode: 'terminate',
    upstream: { host: '127.0.0.1', port: upstreamPort, caPem: pki.trustedRoot.pem },
    upstreamConnections: 'pooled',
    certificateFor: () => served,
    onIncident: (incident) => incidents.push(incident),
    ...extra,
  })
  return proxy
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.socket.destroy()
  await proxy?.close()
  proxy = undefined
  for (const close of closers.splice(0)) await close()
  incidents = []
})

describe("startInterceptingProxy with upstreamConnections: 'pooled'", () => {
  it('serves sequential Connection: close clients over one upstream connection and still records their plaintext', async () => {
    const upstream = await startHttpsUpstream((req, res, body) =>
      res.end(`${req.method} ${req.url} ${body.length}`),
    )
    const lab = await startProxy(upstream.port)
    const paths = ['/one', '/two', '/three']
    for (const path of paths) {
      const response = await fetchOnce(lab.port, path)
      expect(response.status).toBe(200)
      expect(response.body).toBe(`GET ${path} 0`)
    }
    const form = 'username=alice&password=correct-horse-battery-staple'
    const login = await openClient(lab.port)
    login.write(
      `POST /login HTTP/1.1\r\nHost: bank.lab\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\nConnection: close\r\n\r\n${form}`,
    )
    expect(await login.response()).toMatchObject({ status: 200, body: `POST /login ${form.length}` })
    await login.closed()
    expect(login.hasEnded).toBe(true)
    await lab.whenIdle(2_000)

    // Four client connections, four client handshakes, one upstream handshake.
    expect(upstream.tlsConnections()).toBe(1)
    expect(upstream.requests.map((r) => `${r.method} ${r.url} on ${r.connection}`)).toEqual([
      'GET /one on 0',
      'GET /two on 0',
      'GET /three on 0',
      'POST /login on 0',
    ])
    expect(upstream.requests[3]?.body).toBe(form)
    const stats = lab.upstreamPoolStats()
    expect(stats?.opened).toBe(1)
    expect(stats?.reused).toBeGreaterThanOrEqual(paths.length)

    const records = [...lab.records].sort((a, b) => a.id - b.id)
    expect(records.map((r) => r.outcome)).toEqual(['relayed', 'relayed', 'relayed', 'relayed'])
    expect(records.map((r) => r.plaintext.requests)).toEqual([
      [{ method: 'GET', path: '/one', host: 'bank.lab' }],
      [{ method: 'GET', path: '/two', host: 'bank.lab' }],
      [{ method: 'GET', path: '/three', host: 'bank.lab' }],
      [{ method: 'POST', path: '/login', host: 'bank.lab' }],
    ])
    expect(records[3]?.plaintext.credentials).toEqual([
      { field: 'username', value: 'alice', path: '/login' },
      { field: 'password', value: 'correct-horse-battery-staple', path: '/login' },
    ])
    // Even the clients that borrowed the connection record the upstream leg they used.
    for (const record of records) expect(record.upstream).toMatchObject({ version: 'TLSv1.3', error: null })
    expect(records[3]?.bytes.toUpstream).toBeGreaterThan(form.length)
    expect(incidents).toEqual([])
  })

  it("forwards the request head without the client's Connection: close, other fields in order and case", async () => {
    const upstream = await startRawUpstream((_request, socket) => {
      socket.write('HTTP/1.1 204 No Content\r\n\r\n')
    })
    const lab = await startProxy(upstream.port)
    const first = await openClient(lab.port)
    first.write(
      'GET /path?q=1 HTTP/1.1\r\nHost: bank.lab\r\nX-Lab-CASE: Mixed Value\r\nConnection: close\r\nuser-agent: lab/1.0\r\naccept: */*\r\n\r\n',
    )
    expect((await first.response()).status).toBe(204)
    await first.closed()
    // Other Connection options stay: only `close` concerns the client's own connection.
    const second = await openClient(lab.port)
    second.write(
      'DELETE /item/7 HTTP/1.1\r\nhost: bank.lab\r\nConnection: close, X-Lab-Hop\r\nX-Lab-Hop: 1\r\nCookie: session=abc\r\n\r\n',
    )
    expect((await second.response()).status).toBe(204)
    await second.closed()

    expect(upstream.requests.map((r) => r.head)).toEqual([
      'GET /path?q=1 HTTP/1.1\r\nHost: bank.lab\r\nX-Lab-CASE: Mixed Value\r\nuser-agent: lab/1.0\r\naccept: */*\r\n\r\n',
      'DELETE /item/7 HTTP/1.1\r\nhost: bank.lab\r\nConnection: X-Lab-Hop\r\nX-Lab-Hop: 1\r\nCookie: session=abc\r\n\r\n',
    ])
    expect(upstream.requests.map((r) => r.connection)).toEqual([0, 0])
  })

  it('hands the client exactly the bytes the genuine server wrote', async () => {
    const chunked =
      'HTTP/1.1 200 OK\r\ntransfer-ENCODING: chunked\r\nX-odd-CASE:   spaced  \r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n'
    const sized = 'HTTP/1.1 200 Fine By Me\r\ncontent-length: 2\r\nSERVER: raw\r\n\r\nok'
    const upstream = await startRawUpstream((request, socket) => {
      // Written in pieces, so the proxy frames a response that arrives across several reads.
      const response = request.indexOnConnection === 0 ? chunked : sized
      socket.write(response.slice(0, 20))
      setTimeout(() => socket.write(response.slice(20)), 10)
    })
    const lab = await startProxy(upstream.port)
    const client = await openClient(lab.port)
    client.write('GET /a HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    expect(await client.response()).toMatchObject({ status: 200, body: 'hello world' })
    client.write('GET /b HTTP/1.1\r\nHost: bank.lab\r\nConnection: close\r\n\r\n')
    expect(await client.response()).toMatchObject({ status: 200, body: 'ok' })
    await client.closed()
    expect(client.received.toString('latin1')).toBe(chunked + sized)
    expect(upstream.tlsConnections()).toBe(1)
  })

  it('relays GET, POST (sized and chunked), HEAD, 204 and a chunked response in order on one keep-alive connection', async () => {
    const upstream = await startHttpsUpstream((req, res, body) => {
      if (req.url === '/head') {
        res.setHeader('Content-Length', '5')
        res.end('hello') // Node drops the body of a response to HEAD; the Content-Length stays.
      } else if (req.url === '/empty') {
        res.writeHead(204).end()
      } else if (req.url === '/stream') {
        res.write('first,')
        setTimeout(() => res.end('second'), 5)
      } else {
        res.end(`${req.method} ${req.url} [${body}] te=${req.headers['transfer-encoding'] ?? '-'}`)
      }
    })
    const lab = await startProxy(upstream.port)
    const client = await openClient(lab.port)

    client.write('GET /get HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    expect(await client.response()).toMatchObject({ status: 200, body: 'GET /get [] te=-' })

    client.write('POST /sized HTTP/1.1\r\nHost: bank.lab\r\nContent-Length: 11\r\n\r\nhello world')
    expect(await client.response()).toMatchObject({ status: 200, body: 'POST /sized [hello world] te=-' })

    // Chunked, in several writes; llhttp de-chunks it and the proxy re-chunks it upstream.
    client.write('POST /chunked HTTP/1.1\r\nHost: bank.lab\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel')
    client.write('lo\r\n')
    client.write('7\r\n, world\r\n0\r\n\r\n')
    expect(await client.response()).toMatchObject({
      status: 200,
      body: 'POST /chunked [hello, world] te=chunked',
    })

    client.write('HEAD /head HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    const head = await client.response('HEAD')
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('5')

    client.write('GET /empty HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    expect(await client.response()).toMatchObject({ status: 204, body: '' })

    client.write('GET /stream HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    const stream = await client.response()
    expect(stream).toMatchObject({ status: 200, body: 'first,second' })
    expect(stream.headers.get('transfer-encoding')).toBe('chunked')

    // The HEAD response had no body: had the proxy waited for five bytes, the next responses would
    // have been swallowed or mis-framed. Nothing left over, and the connection came back to the pool.
    expect(client.unread.length).toBe(0)
    expect(upstream.requests.map((r) => `${r.method} ${r.url} ${r.body}`)).toEqual([
      'GET /get ',
      'POST /sized hello world',
      'POST /chunked hello, world',
      'HEAD /head ',
      'GET /empty ',
      'GET /stream ',
    ])
    expect(upstream.tlsConnections()).toBe(1)
    // Borrowed per exchange: one handshake, then five loans of the same connection.
    expect(lab.upstreamPoolStats()).toEqual({ opened: 1, reused: 5, idle: 1 })
    expect(client.isClosed).toBe(false)
    expect(incidents).toEqual([])
  })

  it('answers pipelined requests written in one write, in order', async () => {
    const upstream = await startHttpsUpstream((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('slow'), 30)
      else {
        res.setHeader('Content-Length', '4')
        res.end(req.method === 'HEAD' ? undefined : 'fast')
      }
    })
    const lab = await startProxy(upstream.port)
    const client = await openClient(lab.port)
    client.write(
      'GET /slow HTTP/1.1\r\nHost: bank.lab\r\n\r\nHEAD /fast HTTP/1.1\r\nHost: bank.lab\r\n\r\nGET /fast HTTP/1.1\r\nHost: bank.lab\r\n\r\n',
    )
    expect(await client.response('GET')).toMatchObject({ status: 200, body: 'slow' })
    const head = await client.response('HEAD')
    expect(head).toMatchObject({ status: 200, body: '' })
    expect(head.headers.get('content-length')).toBe('4')
    expect(await client.response('GET')).toMatchObject({ status: 200, body: 'fast' })
    expect(client.unread.length).toBe(0)
    expect(upstream.requests.map((r) => `${r.method} ${r.url} on ${r.connection}`)).toEqual([
      'GET /slow on 0',
      'HEAD /fast on 0',
      'GET /fast on 0',
    ])
    expect(lab.upstreamPoolStats()).toMatchObject({ opened: 1, idle: 1 })
  })

  it('relays a close-delimited response in full, closes the client after it, and never reuses that upstream connection', async () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n'
    const upstream = await startRawUpstream((request, socket) => {
      if (request.connection === 0) {
        // No Content-Length, no chunking: the body ends when the connection does.
        socket.write(`${head}part one, `)
        setTimeout(() => socket.end('part two'), 20)
      } else {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh')
      }
    })
    const lab = await startProxy(upstream.port)
    const client = await openClient(lab.port)
    client.write('GET /stream HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    await client.closed()
    expect(client.hasEnded).toBe(true)
    expect(client.received.toString('latin1')).toBe(`${head}part one, part two`)

    expect((await fetchOnce(lab.port, '/next')).body).toBe('fresh')
    expect(upstream.requests.map((r) => `${r.connection}:${r.indexOnConnection}`)).toEqual(['0:0', '1:0'])
    expect(upstream.tlsConnections()).toBe(2)
    expect(lab.upstreamPoolStats()).toMatchObject({ opened: 2, reused: 0 })
    // The close completed the response: an exchange, not an upstream failure.
    await lab.whenIdle(2_000)
    expect(lab.records.map((r) => r.outcome)).toEqual(['relayed', 'relayed'])
    expect(incidents).toEqual([])
  })

  it('holds no upstream connection for an idle keep-alive client', async () => {
    const upstream = await startHttpsUpstream((req, res) => res.end(`hi ${req.url}`))
    const lab = await startProxy(upstream.port)
    const idler = await openClient(lab.port)
    idler.write('GET /first HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    expect((await idler.response()).body).toBe('hi /first')
    // The client keeps its connection; the upstream one is back in the pool.
    expect(lab.openConnections()).toBe(1)
    expect(lab.upstreamPoolStats()).toEqual({ opened: 1, reused: 0, idle: 1 })

    // So another client gets it while the first one idles...
    expect((await fetchOnce(lab.port, '/other')).body).toBe('hi /other')
    expect(idler.isClosed).toBe(false)
    // ...and the idle client borrows it again for its next request.
    idler.write('GET /again HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    expect((await idler.response()).body).toBe('hi /again')
    expect(upstream.tlsConnections()).toBe(1)
    expect(upstream.requests.map((r) => `${r.url} on ${r.connection}`)).toEqual([
      '/first on 0',
      '/other on 0',
      '/again on 0',
    ])
    expect(lab.upstreamPoolStats()).toEqual({ opened: 1, reused: 2, idle: 1 })
  })

  it('does not use a pooled connection the server closed while idle: GET and POST each succeed, once', async () => {
    // The server closes idle connections after 100 ms (Node 20 adds a second of grace); the pool
    // would keep them for a minute. Waiting for the pool to hold none proves the server closed it.
    const upstream = await startHttpsUpstream(
      (req, res, body) => res.end(`${req.method} ${req.url} [${body}]`),
      { keepAliveTimeoutMs: 100 },
    )
    const lab = await startProxy(upstream.port, { upstreamPool: { idleTimeoutMs: 60_000 } })
    const serverClosedIdle = (): Promise<boolean> =>
      eventually(
        () => (lab.upstreamPoolStats()?.idle === 0 ? true : undefined),
        'the server to close the idle connection',
      )
    expect((await fetchOnce(lab.port, '/before')).body).toBe('GET /before []')
    await serverClosedIdle()
    expect((await fetchOnce(lab.port, '/after')).body).toBe('GET /after []')
    await serverClosedIdle()
    const client = await openClient(lab.port)
    client.write(
      'POST /transfer HTTP/1.1\r\nHost: bank.lab\r\nContent-Length: 10\r\nConnection: close\r\n\r\namount=100',
    )
    expect(await client.response()).toMatchObject({ status: 200, body: 'POST /transfer [amount=100]' })
    await client.closed()
    await lab.whenIdle(2_000)
    expect(upstream.requests.map((r) => `${r.method} ${r.url} on ${r.connection}`)).toEqual([
      'GET /before on 0',
      'GET /after on 1',
      'POST /transfer on 2',
    ])
    expect(upstream.tlsConnections()).toBe(3)
    expect(lab.records.map((r) => r.outcome)).toEqual(['relayed', 'relayed', 'relayed'])
  })

  it('retries a GET on a fresh connection when a pooled one closes under it without answering', async () => {
    // The race RFC 9112 §9.3.1 describes: the server drops a kept-alive connection just as the next
    // request arrives on it. Here it does so on purpose, for the second request on its first connection.
    const upstream = await startRawUpstream((request, socket) => {
      if (request.connection === 0 && request.indexOnConnection === 1) return void socket.destroy()
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${request.head.length}\r\n\r\n${request.head}`)
    })
    const lab = await startProxy(upstream.port)
    expect((await fetchOnce(lab.port, '/first')).status).toBe(200)
    const retried = await fetchOnce(lab.port, '/second')
    expect(retried.status).toBe(200)
    expect(retried.body).toMatch(/^GET \/second HTTP\/1\.1\r\n/)
    expect(
      upstream.requests.map((r) => `${r.head.split(' ')[1]} on ${r.connection}:${r.indexOnConnection}`),
    ).toEqual(['/first on 0:0', '/second on 0:1', '/second on 1:0'])
    expect(lab.upstreamPoolStats()).toMatchObject({ opened: 2, reused: 1 })
  })

  it('retries once per request, for every exchange of a long-lived keep-alive client', async () => {
    // Every connection dies under its second request: each exchange of this client after the first
    // meets a stale connection, and each must be retried on its own.
    const upstream = await startRawUpstream((request, socket) => {
      if (request.indexOnConnection === 1) return void socket.destroy()
      socket.write(
        `HTTP/1.1 200 OK\r\nContent-Length: ${request.head.indexOf(' HTTP/')}\r\n\r\n${request.head.slice(0, request.head.indexOf(' HTTP/'))}`,
      )
    })
    const lab = await startProxy(upstream.port)
    const client = await openClient(lab.port)
    for (const path of ['/1', '/2', '/3', '/4']) {
      client.write(`GET ${path} HTTP/1.1\r\nHost: bank.lab\r\n\r\n`)
      expect(await client.response()).toMatchObject({ status: 200, body: `GET ${path}` })
    }
    expect(
      upstream.requests.map((r) => `${r.head.split(' ')[1]}@${r.connection}:${r.indexOnConnection}`),
    ).toEqual(['/1@0:0', '/2@0:1', '/2@1:0', '/3@1:1', '/3@2:0', '/4@2:1', '/4@3:0'])
    expect(lab.upstreamPoolStats()).toMatchObject({ opened: 4, reused: 3 })
  })

  it('retries a request only once: a fresh connection that also fails it ends the exchange', async () => {
    // Only the very first request is ever answered.
    const upstream = await startRawUpstream((request, socket) => {
      if (request.connection !== 0 || request.indexOnConnection !== 0) return void socket.destroy()
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    })
    const lab = await startProxy(upstream.port)
    expect((await fetchOnce(lab.port, '/first')).body).toBe('ok')
    const client = await openClient(lab.port)
    client.write('GET /second HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    await client.closed()
    await lab.whenIdle(2_000)
    // RFC 9110 §15.6.3: no valid response from the server, so the gateway answers 502 and closes.
    expect(client.received.toString('latin1')).toMatch(
      /^HTTP\/1\.1 502 Bad Gateway\r\n[\s\S]*the genuine server failed/,
    )
    expect(
      upstream.requests.map((r) => `${r.head.split(' ')[1]}@${r.connection}:${r.indexOnConnection}`),
    ).toEqual(['/first@0:0', '/second@0:1', '/second@1:0'])
    expect(upstream.tlsConnections()).toBe(2)
  })

  it('never sends a POST twice when the pooled connection closes under it', async () => {
    const upstream = await startRawUpstream((request, socket) => {
      if (request.connection === 0 && request.indexOnConnection === 1) return void socket.destroy()
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    })
    const lab = await startProxy(upstream.port)
    expect((await fetchOnce(lab.port, '/warm-up')).status).toBe(200)
    const client = await openClient(lab.port)
    client.write('POST /transfer HTTP/1.1\r\nHost: bank.lab\r\nContent-Length: 10\r\n\r\namount=100')
    // RFC 9110 §9.2.2: the proxy may not know whether the server acted on it, so it must not resend.
    await client.closed()
    await lab.whenIdle(2_000)
    await sleep(100)
    expect(client.received.toString('latin1')).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/)
    expect(upstream.requests.filter((r) => r.head.startsWith('POST '))).toHaveLength(1)
    expect(upstream.tlsConnections()).toBe(1)
    const record = [...lab.records].sort((a, b) => a.id - b.id)[1]
    expect(record?.plaintext.requests).toEqual([{ method: 'POST', path: '/transfer', host: 'bank.lab' }])
    expect(record?.outcome).toBe('upstream-failed')
  })

  it('closes the client cleanly after a final response that ends the exchange before the request body does', async () => {
    const refusal = 'HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'
    const upstream = await startRawUpstream((_request, socket) => void socket.end(refusal), {
      answerOnHead: true,
    })
    const lab = await startProxy(upstream.port)
    const client = await openClient(lab.port)
    // 100 bytes announced, 10 sent: the server answers (and closes) without waiting for the rest.
    client.write('POST /upload HTTP/1.1\r\nHost: bank.lab\r\nContent-Length: 100\r\n\r\nfirst part')
    await client.closed()
    await lab.whenIdle(2_000)
    expect(client.received.toString('latin1')).toBe(refusal)
    expect(client.hasEnded).toBe(true)
    // The server answered: that is an exchange, not an upstream failure, and the client did not vanish.
    expect(lab.records[0]?.outcome).toBe('relayed')
    expect(lab.records[0]?.upstream?.error).toBeNull()
    expect(incidents).toEqual([])
  })

  it('relays bytes both ways after a 101 Switching Protocols', async () => {
    const upstream = await startRawUpstream((request, socket) => {
      if (!/\r\nupgrade: echo\r\n/i.test(request.head)) {
        socket.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')
        return
      }
      socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n')
      return (data) => socket.write(Buffer.concat([Buffer.from('echo:'), data]))
    })
    const lab = await startProxy(upstream.port)
    // A warm connection first: the upgrade must not take it over for good.
    expect((await fetchOnce(lab.port, '/warm-up')).status).toBe(400)
    const client = await openClient(lab.port)
    // Payload in the same write as the head: it belongs to the new protocol.
    client.write('GET /chat HTTP/1.1\r\nHost: bank.lab\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nearly')
    const switched = await client.response()
    expect(switched.status).toBe(101)
    await eventually(
      () => (client.unread.toString('latin1') === 'echo:early' ? true : undefined),
      'the early payload echoed',
    )
    client.write('ping')
    await eventually(
      () => (client.unread.toString('latin1') === 'echo:earlyecho:ping' ? true : undefined),
      'ping echoed',
    )
    expect(upstream.requests[1]?.head).toBe(
      'GET /chat HTTP/1.1\r\nHost: bank.lab\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n',
    )
    client.socket.end()
    await client.closed()
    await lab.whenIdle(2_000)
    // The upgraded connection is nobody else's business afterwards: it was closed, not pooled.
    expect(lab.upstreamPoolStats()?.idle).toBe(0)
    expect((await fetchOnce(lab.port, '/after')).status).toBe(400)
    expect(upstream.tlsConnections()).toBe(2)
  })

  it('relays an HTTP/1.0 request and its response, then closes', async () => {
    const upstream = await startHttpsUpstream((req, res) => res.end(`HTTP/${req.httpVersion} ${req.url}`))
    const lab = await startProxy(upstream.port)
    const client = await openClient(lab.port)
    client.write('GET /legacy HTTP/1.0\r\nHost: bank.lab\r\n\r\n')
    expect(await client.response()).toMatchObject({ status: 200, body: 'HTTP/1.0 /legacy' })
    await client.closed()
    await lab.whenIdle(2_000)
    expect(upstream.requests.map((r) => `${r.method} ${r.url} ${r.httpVersion}`)).toEqual(['GET /legacy 1.0'])
    expect(lab.records[0]?.plaintext.requests).toEqual([{ method: 'GET', path: '/legacy', host: 'bank.lab' }])
    expect(lab.upstreamPoolStats()?.idle).toBe(0)
  })

  it('answers 400 and closes on a request llhttp refuses, reports it, and serves the next client', async () => {
    const upstream = await startHttpsUpstream((req, res) => res.end(`hi ${req.url}`))
    const lab = await startProxy(upstream.port)
    const client = await openClient(lab.port)
    client.write('NOT HTTP\r\n\r\n')
    await client.closed()
    expect(client.received.toString('latin1')).toBe(
      'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
    )
    expect(incidents.map((incident) => incident.type)).toContain('http-request-invalid')
    expect(incidents.find((incident) => incident.type === 'http-request-invalid')?.message).toMatch(
      /HPE_INVALID_METHOD/,
    )
    // Nothing went to the genuine server for it.
    expect(upstream.tlsConnections()).toBe(0)
    expect((await fetchOnce(lab.port, '/next')).body).toBe('hi /next')
  })

  it('answers 502, closes the client and records upstream-failed when the genuine server cannot be reached', async () => {
    const closed: Server = createNetServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const lab = await startProxy(port)
    const client = await openClient(lab.port)
    client.write('GET / HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    await client.closed()
    await lab.whenIdle(2_000)
    expect(client.received.toString('latin1')).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n[\s\S]*ECONNREFUSED/)
    expect(lab.records[0]?.outcome).toBe('upstream-failed')
    expect(lab.records[0]?.upstream?.error).toMatch(/ECONNREFUSED/)
    expect(incidents.map((incident) => incident.type)).toContain('upstream-error')
    expect(lab.upstreamPoolStats()).toEqual({ opened: 1, reused: 0, idle: 0 })
  })

  it('shares one upstream connection between host names its certificate covers', async () => {
    const upstream = await startHttpsUpstream(
      (req, res) => res.end(`${req.headers.host ?? ''}${req.url ?? ''}`),
      { leaf: upstreamLeaf(['*.bench.lab']) },
    )
    const lab = await startProxy(upstream.port)
    expect((await fetchOnce(lab.port, '/x', 'a.bench.lab')).body).toBe('a.bench.lab/x')
    expect((await fetchOnce(lab.port, '/y', 'b.bench.lab')).body).toBe('b.bench.lab/y')
    expect(upstream.tlsConnections()).toBe(1)
    expect(upstream.servernames).toEqual(['a.bench.lab'])
    expect(upstream.requests.map((r) => r.connection)).toEqual([0, 0])
    expect(lab.upstreamPoolStats()).toMatchObject({ opened: 1, reused: 1 })
  })

  it('opens another upstream connection for a host name the pooled connection does not cover', async () => {
    const onlyA = upstreamLeaf(['a.bench.lab'])
    const onlyB = createSecureContext(tlsOptions(upstreamLeaf(['b.bench.lab'])))
    const upstream = await startHttpsUpstream(
      (req, res) => res.end(`${req.headers.host ?? ''}${req.url ?? ''}`),
      {
        leaf: onlyA,
        SNICallback: (name, cb) => cb(null, name === 'b.bench.lab' ? onlyB : undefined),
      },
    )
    const lab = await startProxy(upstream.port)
    expect((await fetchOnce(lab.port, '/x', 'a.bench.lab')).body).toBe('a.bench.lab/x')
    expect((await fetchOnce(lab.port, '/y', 'b.bench.lab')).body).toBe('b.bench.lab/y')
    // Both are idle now; the a.bench.lab one still serves a.bench.lab (the warmer b one does not cover it).
    expect((await fetchOnce(lab.port, '/z', 'a.bench.lab')).body).toBe('a.bench.lab/z')
    expect(upstream.servernames).toEqual(['a.bench.lab', 'b.bench.lab'])
    expect(upstream.requests.map((r) => `${r.url} on ${r.connection}`)).toEqual([
      '/x on 0',
      '/y on 1',
      '/z on 0',
    ])
    expect(lab.upstreamPoolStats()).toEqual({ opened: 2, reused: 1, idle: 2 })
  })

  it('relays 100 Continue, then the final response, and reuses the connection afterwards', async () => {
    // node:https answers Expect: 100-continue with an interim 100 on its own, before the body is read.
    const upstream = await startHttpsUpstream((req, res, body) => res.end(`${req.url} [${body}]`))
    const lab = await startProxy(upstream.port)
    const client = await openClient(lab.port)
    client.write(
      'POST /upload HTTP/1.1\r\nHost: bank.lab\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n',
    )
    const interim = await client.response('POST')
    expect(interim.status).toBe(100)
    expect(interim.raw.toString('latin1')).toBe('HTTP/1.1 100 Continue\r\n\r\n')
    client.write('hello')
    expect(await client.response('POST')).toMatchObject({ status: 200, body: '/upload [hello]' })
    client.write('GET /after HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    expect(await client.response()).toMatchObject({ status: 200, body: '/after []' })
    expect(upstream.tlsConnections()).toBe(1)
    expect(upstream.requests.map((r) => r.connection)).toEqual([0, 0])
    expect(lab.upstreamPoolStats()).toMatchObject({ opened: 1, idle: 1 })
    expect(incidents).toEqual([])
  })

  it('relays 103 Early Hints before the final response, and reuses the connection afterwards', async () => {
    const upstream = await startHttpsUpstream((req, res) => {
      if (req.url === '/hinted') res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' })
      res.end(`done ${req.url}`)
    })
    const lab = await startProxy(upstream.port)
    const client = await openClient(lab.port)
    client.write('GET /hinted HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    const hints = await client.response()
    expect(hints.status).toBe(103)
    expect(hints.headers.get('link')).toBe('</style.css>; rel=preload; as=style')
    expect(await client.response()).toMatchObject({ status: 200, body: 'done /hinted' })
    client.write('GET /plain HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    expect(await client.response()).toMatchObject({ status: 200, body: 'done /plain' })
    expect(upstream.tlsConnections()).toBe(1)
    expect(lab.upstreamPoolStats()).toMatchObject({ opened: 1, idle: 1 })
    expect(incidents).toEqual([])
  })

  it('streams a large request body sent before the upstream handshake ends, and a large response', async () => {
    const upload = Buffer.alloc(512 * 1024, 'u')
    const download = Buffer.alloc(2 * 1024 * 1024, 'd')
    const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex')
    const upstream = await startHttpsUpstream((req, res, body) => {
      if (req.method === 'POST') res.end(`${body.length} ${sha(Buffer.from(body, 'latin1'))}`)
      else res.end(download)
    })
    const lab = await startProxy(upstream.port)
    const client = await openClient(lab.port)
    // Head and body at once, into a proxy that has no upstream connection yet: it must hold, pause, then flush.
    client.write(
      Buffer.concat([
        Buffer.from(`POST /upload HTTP/1.1\r\nHost: bank.lab\r\nContent-Length: ${upload.length}\r\n\r\n`),
        upload,
      ]),
    )
    expect((await client.response('POST')).body).toBe(`${upload.length} ${sha(upload)}`)
    client.write('GET /download HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    const response = await client.response()
    expect(response.body.length).toBe(download.length)
    expect(sha(Buffer.from(response.body, 'latin1'))).toBe(sha(download))
    expect(upstream.tlsConnections()).toBe(1)
    expect(lab.upstreamPoolStats()).toMatchObject({ opened: 1, idle: 1 })
  })
  it('closes idle upstream connections after upstreamPool.idleTimeoutMs', async () => {
    const upstream = await startHttpsUpstream((req, res) => res.end(`hi ${req.url}`))
    const lab = await startProxy(upstream.port, { upstreamPool: { idleTimeoutMs: 100 } })
    expect((await fetchOnce(lab.port, '/first')).body).toBe('hi /first')
    expect(lab.upstreamPoolStats()?.idle).toBe(1)
    await eventually(
      () => (upstream.closedConnections() === 1 ? true : undefined),
      'the pool to close its idle connection',
    )
    expect(lab.upstreamPoolStats()?.idle).toBe(0)
    expect((await fetchOnce(lab.port, '/second')).body).toBe('hi /second')
    expect(upstream.requests.map((r) => `${r.url} on ${r.connection}`)).toEqual([
      '/first on 0',
      '/second on 1',
    ])
    expect(lab.upstreamPoolStats()).toMatchObject({ opened: 2, reused: 0 })
  })

  it('keeps at most upstreamPool.maxIdlePerOrigin idle connections', async () => {
    const upstream = await startHttpsUpstream((req, res) => setTimeout(() => res.end(`slow ${req.url}`), 50))
    const lab = await startProxy(upstream.port, { upstreamPool: { maxIdlePerOrigin: 1 } })
    const [a, b] = await Promise.all([openClient(lab.port), openClient(lab.port)])
    if (a === undefined || b === undefined) throw new Error('two clients expected')
    // Both in flight at once: two upstream connections.
    a.write('GET /a HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    b.write('GET /b HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    expect((await a.response()).body).toBe('slow /a')
    expect((await b.response()).body).toBe('slow /b')
    expect(upstream.tlsConnections()).toBe(2)
    // Both came back; one over the limit was closed.
    await eventually(
      () => (upstream.closedConnections() === 1 ? true : undefined),
      'the connection over the limit to close',
    )
    expect(lab.upstreamPoolStats()).toEqual({ opened: 2, reused: 0, idle: 1 })
  })

  it('drops an idle connection on which the server talks out of turn, so its bytes reach nobody', async () => {
    const upstream = await startRawUpstream((request, socket) => {
      socket.write(
        `HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n${request.connection}${request.indexOnConnection}`,
      )
      // A stray response nobody asked for, while the connection idles in the pool.
      if (request.connection === 0)
        setTimeout(() => socket.write('HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n'), 30)
    })
    // No idle timer within reach of the waits below: only the stray bytes may close the connection.
    const lab = await startProxy(upstream.port, { upstreamPool: { idleTimeoutMs: 60_000 } })
    expect((await fetchOnce(lab.port, '/first')).body).toBe('00')
    await eventually(
      () => (upstream.closed.includes(0) ? true : undefined),
      'the pool to drop the talking connection',
    )
    const next = await fetchOnce(lab.port, '/second')
    // Had the stray 408 stayed queued on a pooled connection, the next client would have read it as its answer.
    expect(next).toMatchObject({ status: 200, body: '10' })
    expect(lab.upstreamPoolStats()).toMatchObject({ opened: 2, reused: 0 })
  })

  it('does not hand the rest of an unfinished response to the next client when a client leaves mid-response', async () => {
    const upstream = await startRawUpstream((request, socket) => {
      // A 1 MB body of which only the first kilobyte ever comes.
      if (request.head.startsWith('GET /big '))
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n${'b'.repeat(1000)}`)
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nsmall')
    })
    // No idle timer within reach of the waits below: only the client's departure may close the connection.
    const lab = await startProxy(upstream.port, { upstreamPool: { idleTimeoutMs: 60_000 } })
    const leaver = await openClient(lab.port)
    leaver.write('GET /big HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    await eventually(
      () => (leaver.received.length > 1000 ? true : undefined),
      'the start of the big response',
    )
    leaver.socket.destroy()
    await eventually(
      () => (upstream.closed.includes(0) ? true : undefined),
      'the half-used upstream connection to close',
    )
    expect(await fetchOnce(lab.port, '/small')).toMatchObject({ status: 200, body: 'small' })
    expect(upstream.requests.map((r) => `${r.connection}:${r.indexOnConnection}`)).toEqual(['0:0', '1:0'])
    expect(lab.upstreamPoolStats()).toEqual({ opened: 2, reused: 0, idle: 1 })
  })

  it("with connectUpstream 'with-hello', opens the upstream connection for a client that never asks, and pools it", async () => {
    // The genuine server takes its time over the handshake, so the client below is gone before the
    // upstream connection is secure: the pool must still keep it once it is.
    const upstream = await startHttpsUpstream((req, res) => res.end(`hi ${req.url}`), {
      SNICallback: (_name, cb) => setTimeout(() => cb(null, undefined), 150),
    })
    const lab = await startProxy(upstream.port, { connectUpstream: 'with-hello' })
    const silent = await openClient(lab.port)
    silent.socket.end()
    await silent.closed()
    await eventually(
      () => (lab.upstreamPoolStats()?.idle === 1 ? true : undefined),
      'the unused connection to join the pool',
    )
    // Opened with the hello, not for a request: none was sent. (In TLS 1.3 the server counts the
    // connection a moment after the proxy's side is done, so this waits too.)
    await eventually(
      () => (upstream.tlsConnections() === 1 ? true : undefined),
      'the server to accept the eager connection',
    )
    expect(upstream.requests).toEqual([])
    expect((await fetchOnce(lab.port, '/next')).body).toBe('hi /next')
    expect(upstream.tlsConnections()).toBe(1)
    expect(lab.upstreamPoolStats()).toMatchObject({ opened: 1, reused: 1 })
  })
})
