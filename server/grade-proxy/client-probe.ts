import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls'
import { ianaGroupName } from '../tls/key-exchange-group.js'
import { verify, type VerifyReport } from '../verifier/index.js'

const STEP_TIMEOUT_MS = 8_000
const MAX_RESPONSE_BYTES = 64 * 1024
/** The body kept as evidence: the upstream marker, or the start of the product's error page. */
const MAX_BODY_KEPT = 4096

/** How the lab's client reaches an upstream through the product. */
export type ProbeRoute =
  /** Explicit proxy: CONNECT target (RFC 9110 §9.3.6) to the product. */
  | { kind: 'connect'; proxyHost: string; proxyPort: number; target: string }
  /** The product listens for this upstream alone (SSLsplit's static target): TLS straight to it. */
  | { kind: 'direct'; host: string; port: number }

export interface ProbeParams {
  route: ProbeRoute
  /** The name the client asks for (SNI, Host, and the name the chain is checked against). */
  serverName: string
  /** Exactly what the client trusts: the product's CA. */
  trustAnchors: Buffer[]
  now: Date
}

/** What reached the lab's client, stage by stage. */
export interface ProbeOutcome {
  /** Where it ended: the product refused the CONNECT, the TLS handshake failed, or an HTTP answer arrived. */
  stage: 'connect-refused' | 'tls-failed' | 'http-answered' | 'no-http-answer'
  connectStatus: number | null
  /** The CONNECT refusal's status line, or the TLS / socket error, verbatim. */
  error: string | null
  protocol: string | null
  cipher: string | null
  /** Key exchange group of the client's leg (IANA name). */
  group: string | null
  /** The chain the client received, leaf first, DER. */
  chainDer: Buffer[]
  /** The lab's verifier on that chain, with the product's CA as the only anchor. */
  verification: VerifyReport | null
  httpStatus: number | null
  body: string
}

/**
 * The lab's client as the product's user: opens the route, speaks TLS with
 * Node 24's defaults (TLS 1.2-1.3, X25519MLKEM768 first: what a current
 * browser offers), records the chain it was shown and judges it with the lab's
 * verifier, then — whatever the verdict, since the product's behaviour is
 * what is measured — sends one GET and reads the answer.
 */
export async function probeThroughProduct(params: ProbeParams): Promise<ProbeOutcome> {
  const outcome: ProbeOutcome = {
    stage: 'tls-failed',
    connectStatus: null,
    error: null,
    protocol: null,
    cipher: null,
    group: null,
    chainDer: [],
    verification: null,
    httpStatus: null,
    body: '',
  }
  let raw: Socket
  try {
    raw = await openRoute(params.route, outcome)
  } catch (error) {
    outcome.error = (error as Error).message
    return outcome
  }
  if (outcome.stage === 'connect-refused') {
    raw.destroy()
    return outcome
  }
  let tls: TLSSocket
  try {
    tls = await handshake(raw, params.serverName)
  } catch (error) {
    raw.destroy()
    outcome.stage = 'tls-failed'
    outcome.error = (error as Error).message
    return outcome
  }
  outcome.protocol = tls.getProtocol()
  outcome.cipher = tls.getCipher().standardName
  const ephemeral = tls.getEphemeralKeyInfo()
  outcome.group = ephemeral !== null && 'name' in ephemeral && typeof ephemeral.name === 'string' ? ianaGroupName(ephemeral.name) : null
  outcome.chainDer = peerChain(tls.getPeerCertificate(true))
  outcome.verification = verify({ presented: outcome.chainDer, trustAnchors: params.trustAnchors, expectedHost: params.serverName, now: params.now })
  // RFC 9110 §7.2: Host is the target URI's authority, so a CONNECT to a non-default port names that port
  // (Squid forwards a bumped request to the Host header's authority).
  const authority = params.route.kind === 'connect' ? params.route.target.replace(/:443$/, '') : params.serverName
  const answer = await exchange(tls, authority)
  tls.destroy()
  outcome.stage = answer.status === null ? 'no-http-answer' : 'http-answered'
  outcome.httpStatus = answer.status
  outcome.body = answer.body
  if (answer.error !== null) outcome.error = answer.error
  return outcome
}

function openRoute(route: ProbeRoute, outcome: ProbeOutcome): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const host = route.kind === 'connect' ? route.proxyHost : route.host
    const port = route.kind === 'connect' ? route.proxyPort : route.port
    const socket = netConnect(port, host)
    socket.setTimeout(STEP_TIMEOUT_MS, () => socket.destroy(new Error(`no answer from ${host}:${port} within ${STEP_TIMEOUT_MS} ms`)))
    socket.once('error', reject)
    socket.once('connect', () => {
      if (route.kind === 'direct') {
        socket.off('error', reject)
        socket.setTimeout(0)
        resolve(socket)
        return
      }
      socket.write(`CONNECT ${route.target} HTTP/1.1\r\nHost: ${route.target}\r\n\r\n`)
      let head = Buffer.alloc(0)
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk])
        const end = head.indexOf('\r\n\r\n')
        if (end < 0) return
        socket.off('data', onData)
        socket.off('error', reject)
        socket.setTimeout(0)
        socket.pause()
        const rest = head.subarray(end + 4)
        if (rest.length > 0) socket.unshift(rest)
        const statusLine = head.toString('latin1', 0, head.indexOf('\r\n'))
        outcome.connectStatus = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN)
        if (outcome.connectStatus !== 200) {
          outcome.stage = 'connect-refused'
          outcome.error = statusLine
        }
        resolve(socket)
      }
      socket.on('data', onData)
    })
  })
}

function handshake(socket: Socket, serverName: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({ socket, servername: serverName, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] })
    const timer = setTimeout(() => tls.destroy(new Error(`no TLS handshake within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS)
    tls.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    tls.once('close', () => {
      clearTimeout(timer)
      reject(new Error('connection closed during the TLS handshake'))
    })
    tls.once('secureConnect', () => {
      clearTimeout(timer)
      tls.removeAllListeners('error')
      tls.removeAllListeners('close')
      resolve(tls)
    })
  })
}

function exchange(tls: TLSSocket, host: string): Promise<{ status: number | null; body: string; error: string | null }> {
  return new Promise((resolve) => {
    let data = Buffer.alloc(0)
    let isDone = false
    const finish = (error: string | null): void => {
      if (isDone) return
      isDone = true
      clearTimeout(timer)
      const text = data.toString('latin1')
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      const bodyStart = text.indexOf('\r\n\r\n')
      resolve({ status: status === null ? null : Number(status[1]), body: bodyStart < 0 ? '' : text.slice(bodyStart + 4, bodyStart + 4 + MAX_BODY_KEPT), error })
    }
    const timer = setTimeout(() => finish(`no HTTP answer within ${STEP_TIMEOUT_MS} ms`), STEP_TIMEOUT_MS)
    tls.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk])
      if (data.length > MAX_RESPONSE_BYTES) finish(null)
      const text = data.toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      if (end < 0) return
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end))
      if (length !== null && data.length >= end + 4 + Number(length[1])) finish(null)
    })
    tls.on('error', (error) => finish(error.message))
    tls.on('close', () => finish(null))
    tls.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\nUser-Agent: mitmlab-grade-proxy\r\n\r\n`)
  })
}

/** The presented chain, leaf first, from Node's linked view (it stops where an issuer points at itself). */
function peerChain(leaf: DetailedPeerCertificate): Buffer[] {
  const chain: Buffer[] = []
  let current: DetailedPeerCertificate | undefined = leaf
  while (current !== undefined && current.raw !== undefined && chain.length < 10) {
    if (chain.some((der) => der.equals(current?.raw ?? Buffer.alloc(0)))) break
    chain.push(current.raw)
    current = current.issuerCertificate
  }
  return chain
}
