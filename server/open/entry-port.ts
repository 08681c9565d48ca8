import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import { computeJa3, computeJa4 } from '../fingerprint/index.js'
import { closeServer, listen } from '../genuine/genuine-server.js'
import { readClientHello } from '../tls/client-hello/read-client-hello.js'
import type { ClientHello } from '../tls/client-hello/parse-client-hello.js'
import type { EntryConnection, EntryVia } from './connection-ledger.js'
import { readProxyRequest } from '../util/proxy-request-head.js'
import { classifyName, normalizeName } from './lab-names.js'

const HELLO_TIMEOUT_MS = 10_000
/** TLS record type 22 (handshake, RFC 8446 §5.1): the first byte of every ClientHello. */
const TLS_HANDSHAKE = 0x16
/** A fatal unrecognized_name alert (RFC 6066 §3), TLS 1.2 record version: the answer to an SNI the lab does not serve. */
const UNRECOGNIZED_NAME_ALERT = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70])

export interface Destination {
  host: string
  port: number
}

export interface EntryRoutes {
  /** Where TLS for a lab name goes (scenario server, or the bank); null when the name is not served. */
  tls(name: string): Destination | null
  /** Where plain HTTP for a lab name goes; null when the name has no plain-HTTP service. */
  http(name: string): Destination | null
  /** The PAC file's text. */
  pac(): string
}

export interface EntryPort {
  host: string
  port: number
  close(): Promise<void>
}

export interface StartEntryPortParams {
  host: string
  port: number
  routes: EntryRoutes
  /** Each connection handed on to a lab server. */
  onConnection: (entry: Omit<EntryConnection, 'id' | 'at'>) => void
  /** Each connection refused (not a lab name, not served), with the reason. */
  onRefused?: (refusal: { via: EntryVia; clientAddress: string; name: string | null; reason: string }) => void
}

/**
 * The open lab's one way in, on one port: the first byte decides.
 * - A TLS handshake (0x16): the SNI port. The ClientHello is read whole, its
 *   server_name picks the scenario, and the raw bytes are piped to that
 *   scenario's server (`curl --connect-to`, `--host-resolver-rules`, a
 *   device whose DNS points at the lab). Unknown SNI: unrecognized_name alert.
 * - Anything else: an HTTP proxy (RFC 9110 §9.3.6 CONNECT for https, RFC 9112
 *   §3.2.2 absolute-form for http), plus `/proxy.pac` in origin form.
 * Only lab names are ever routed: anything else is answered 403 (proxy) or an
 * alert (SNI) and never reaches a forging server.
 */
export async function startEntryPort(params: StartEntryPortParams): Promise<EntryPort> {
  const sockets = new Set<Socket>()
  const track = (socket: Socket): void => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
  }
  const refuse = (via: EntryVia, client: Socket, name: string | null, reason: string): void =>
    params.onRefused?.({ via, clientAddress: client.remoteAddress ?? '', name, reason })

  /** Pipes `client` (paused, `first` already read from it) to `to`; reports the hand-over. */
  const handOn = (client: Socket, to: Destination, first: Buffer, entry: Omit<EntryConnection, 'id' | 'at' | 'upstreamLocalPort'>): void => {
    const upstream = connect(to.port, to.host, () => {
      params.onConnection({ ...entry, upstreamLocalPort: upstream.localPort ?? null })
      if (first.length > 0) upstream.write(first)
      client.pipe(upstream)
      upstream.pipe(client)
    })
    track(upstream)
    upstream.once('close', () => client.destroy())
    client.once('close', () => upstream.destroy())
  }

  const onTls = async (client: Socket, via: EntryVia, expectedName: string | null, userAgent: string | null): Promise<void> => {
    const { hello, bytes } = await readClientHello(client, { timeoutMs: HELLO_TIMEOUT_MS })
    const sni = hello.ok && hello.hello.sni !== null ? normalizeName(hello.hello.sni) : null
    // Through CONNECT the authority chose the route; an SNI naming anything else must not reach a forging server.
    const name = expectedName ?? sni
    const destination = name === null ? null : params.routes.tls(name)
    if (destination === null || (expectedName !== null && sni !== null && sni !== expectedName)) {
      const reason = !hello.ok
        ? `no ClientHello (${hello.message})`
        : sni === null && expectedName === null
          ? 'no server_name in the ClientHello'
          : expectedName !== null && sni !== expectedName
            ? `the ClientHello names ${sni ?? '(none)'}, the CONNECT named ${expectedName}`
            : `${name ?? ''} is not a lab name served here`
      refuse(via, client, name, reason)
      client.end(UNRECOGNIZED_NAME_ALERT)
      return
    }
    const fingerprint = hello.ok ? helloFingerprint(hello.hello) : { ja3: null, ja4: null }
    handOn(client, destination, bytes, { via, clientAddress: client.remoteAddress ?? '', name: name ?? '', userAgent, ...fingerprint })
  }

  const onHttp = (client: Socket, first: Buffer): void => {
    readProxyRequest(client, first, ({ requestHead, forward, rest }) => handleHead(client, requestHead, forward, rest))
  }

  const handleHead = (client: Socket, requestHead: string, forward: string | null, rest: Buffer): void => {
    const [requestLine = ''] = requestHead.split('\r\n')
    const userAgent = /\r\nuser-agent:[ \t]*([^\r\n]*)/i.exec(requestHead)?.[1]?.trim() ?? null
    const connectMatch = /^CONNECT (\S+) HTTP\/1\.[01]$/.exec(requestLine)
    if (connectMatch !== null) {
      const authority = parseAuthority(connectMatch[1] ?? '')
      const verdict = authority === null ? 'malformed' : routeVerdict(authority.name)
      if (authority === null || verdict !== 'lab' || (authority.port !== 443 && authority.port !== 80)) {
        const reason =
          authority === null ? 'a CONNECT target must be host:port' : verdict === 'lab' ? 'only ports 443 and 80 are served' : verdict
        refuse('connect', client, authority?.name ?? null, reason)
        client.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nmitmlab open: ${reason}\n`)
        return
      }
      const { name, port } = authority
      const destination = port === 443 ? params.routes.tls(name) : params.routes.http(name)
      if (destination === null) {
        const reason = `${name}:${port} is not served here`
        refuse('connect', client, name, reason)
        client.end(`HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nmitmlab open: ${reason}\n`)
        return
      }
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (rest.length > 0) client.unshift(rest)
      if (port === 443) {
        void onTls(client, 'connect', name, userAgent)
        return
      }
      handOn(client, destination, Buffer.alloc(0), { via: 'connect', clientAddress: client.remoteAddress ?? '', name, userAgent, ja3: null, ja4: null })
      return
    }
    if (forward !== null) {
      const hostMatch = /^[A-Z]+ http:\/\/([^/\s]+)/.exec(requestLine)
      const authority = parseAuthority(hostMatch?.[1] ?? '', 80)
      const verdict = authority === null ? 'malformed' : routeVerdict(authority.name)
      const destination = authority !== null && verdict === 'lab' && authority.port === 80 ? params.routes.http(authority.name) : null
      if (destination === null || authority === null) {
        const reason = verdict === 'lab' ? `${authority?.name ?? ''} has no plain-HTTP service here` : verdict
        refuse('http-proxy', client, authority?.name ?? null, reason)
        const status = verdict === 'lab' ? '404 Not Found' : '403 Forbidden'
        client.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nmitmlab open: ${reason}\n`)
        return
      }
      handOn(client, destination, Buffer.concat([Buffer.from(`${forward}\r\n`, 'latin1'), rest]), {
        via: 'http-proxy',
        clientAddress: client.remoteAddress ?? '',
        name: authority.name,
        userAgent,
        ja3: null,
        ja4: null,
      })
      return
    }
    // Origin form: the proxy's own pages.
    if (/^(GET|HEAD) \/proxy\.pac(\?\S*)? HTTP\/1\.[01]$/.test(requestLine)) {
      const body = params.routes.pac()
      client.end(
        `HTTP/1.1 200 OK\r\nContent-Type: application/x-ns-proxy-autoconfig\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${requestLine.startsWith('HEAD') ? '' : body}`,
      )
      return
    }
    client.end('HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nmitmlab open: this port is an HTTP proxy for *.bank.lab (CONNECT), a TLS port routed by SNI, and /proxy.pac\n')
  }

  const server = createServer((client) => {
    track(client)
    client.setTimeout(30_000, () => client.destroy())
    client.once('data', (first: Buffer) => {
      client.pause()
      if (first[0] === TLS_HANDSHAKE) {
        client.unshift(first)
        void onTls(client, 'sni', null, null)
      } else {
        client.resume()
        onHttp(client, first)
      }
    })
  })
  await listen(server, params.host, params.port)
  return {
    host: params.host,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await closeServer(server)
    },
  }
}

/**
 * Extensions a client adds or drops between its own connections: padding
 * (21, RFC 7685, sized to the hello), pre_shared_key (41) and early_data (42)
 * when it resumes a session (RFC 8446 §4.2.11). Left out of the visitor's
 * fingerprint, so a browser's first and resumed connections are one visitor.
 */
const PER_CONNECTION_EXTENSIONS = new Set([21, 41, 42])

/** JA3 and JA4 of the hello without its per-connection extensions. */
export function helloFingerprint(hello: ClientHello): { ja3: string; ja4: string } {
  const stable = { ...hello, extensions: hello.extensions.filter((extension) => !PER_CONNECTION_EXTENSIONS.has(extension.type)) }
  return { ja3: computeJa3(stable).hash, ja4: computeJa4(stable).ja4 }
}

/** 'lab' or why not. */
function routeVerdict(name: string): 'lab' | string {
  return classifyName(name).kind === 'foreign' ? `${name} is not a lab name: the open lab serves only bank.lab and *.bank.lab` : 'lab'
}

/** `host:port` (RFC 9110 §7.2), IPv6 in brackets; the name normalized. */
function parseAuthority(text: string, defaultPort?: number): { name: string; port: number } | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+)(?::(\d{1,5}))?$/.exec(text)
  if (match === null) return null
  const port = match[2] === undefined ? defaultPort : Number(match[2])
  if (port === undefined || port > 65_535) return null
  const raw = match[1] ?? ''
  return { name: normalizeName(raw) ?? raw.toLowerCase(), port }
}
