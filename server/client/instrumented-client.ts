import type { TLSSocket } from 'node:tls'
import type { CtPolicy } from '../ct/check-ct.js'
import type { RevocationPolicy } from '../revocation/check-ocsp.js'
import type { StepResult } from '../steps/step-result.js'
import type { VerifyProfile } from '../verifier/types.js'
import type { ClientReport } from './client-report.js'
import { exchangeHttp } from './http-exchange.js'
import { runHttpFirstClient } from './http-first-client.js'
import type { ProtocolPolicy } from './protocol-policy.js'
import { connectAndVerify, decideVerdict } from './tls-session.js'

/** What the victim's client trusts and enforces. */
export interface ClientPolicy {
  /** The roots the victim trusts, DER. */
  trustAnchors: Buffer[]
  /** SPKI SHA-256 pins (base64) for the expected host. Default: none. */
  pins?: string[]
  /** Default: 'webpki'. */
  profile?: VerifyProfile
  /** Default: false. */
  allowCommonNameFallback?: boolean
  /** Default: TLS 1.2 minimum, AEAD + forward secrecy. */
  protocol?: ProtocolPolicy
  /** Offer TLS versions down to this (a legacy client). Default: protocol.minVersion. */
  offerMinVersion?: ProtocolPolicy['minVersion']
  /** Offer TLS versions up to this (a client without TLS 1.3). Default: Node's (TLS 1.3). */
  offerMaxVersion?: ProtocolPolicy['minVersion']
  /** OpenSSL cipher list the client offers (a legacy client adds `@SECLEVEL=0`). Default: Node's. */
  ciphers?: string
  /** Certificate Transparency: known logs and how many valid SCTs a certificate needs. Default: not enforced. */
  ct?: CtPolicy
  /** Revocation checking: CRLs, OCSP, stapling, and what a missing answer means. Default: none. */
  revocation?: RevocationPolicy
  /**
   * Where the victim starts: an http:// URL makes it a browser that follows redirects, links and the
   * sign-in form (sslstrip scenarios). Default: straight to https://expectedHost, POST /login.
   */
  startUrl?: string
  /** HSTS (RFC 6797): hosts on the client's preload list. Default: none. */
  hsts?: { preloaded: string[] }
  /** How many times the victim visits startUrl, keeping what it learned (HSTS). Default: 1. */
  visits?: number
  /**
   * How many connections the victim makes in a row (an app polling its bank), stopping at the first it
   * rejects: what a probabilistic attacker has to survive. Default: 1.
   */
  connections?: number
  /**
   * The victim is configured to use an explicit HTTP proxy (corporate proxy, PAC/WPAD): connectTo is that
   * proxy, and each TLS connection starts with `CONNECT expectedHost:443` (RFC 9110 §9.3.6). Default: false
   * (connectTo is where bank.lab resolves, as with a hijacked resolver).
   */
  explicitProxy?: boolean
}

export interface RunInstrumentedClientParams {
  /** Where the client's TCP connection really goes (the proxy, when DNS is hijacked). */
  connectTo: { host: string; port: number }
  /** The name the victim asked for: SNI, Host and the verifier's expected name. */
  expectedHost: string
  policy: ClientPolicy
  /** The verification time. Default: now. */
  now?: Date
  /** Identifies the client to the genuine server (x-mitmlab-client). Default: 'lab-verifier'. */
  clientId?: string
  /** The login it sends after accepting. */
  credentials: { username: string; password: string }
  /** Default: 10 s. */
  timeoutMs?: number
  /** Each step as soon as it is decided, for live views. */
  onStep?: (step: StepResult) => void
}

/**
 * The victim. Connects, captures everything it was shown, runs every
 * verification step (recording all of them, not just the first failure),
 * and only when its verdict is accept sends the login. Node's own verdict on
 * the same connection is recorded for comparison.
 *
 * @example
 * const report = await runInstrumentedClient({ connectTo: { host: '127.0.0.1', port }, expectedHost: 'bank.lab', policy, credentials })
 * report.verdict // 'reject'
 * report.catchingStep // 'TRUST'
 */
export async function runInstrumentedClient(params: RunInstrumentedClientParams): Promise<ClientReport> {
  const startUrl = params.policy.startUrl
  if (startUrl !== undefined && startUrl.startsWith('http:')) return runHttpFirstClient(params, startUrl)
  const count = Math.max(1, params.policy.connections ?? 1)
  const attempts: NonNullable<ClientReport['attempts']> = []
  for (;;) {
    const report = await connectOnce(params)
    attempts.push({ verdict: report.verdict, catchingStep: report.catchingStep, code: report.code })
    if (report.verdict === 'reject' || attempts.length >= count) return count > 1 ? { ...report, attempts } : report
  }
}

/** How long the client waits, after the response, for the server to end the stream (close_notify or not). */
const END_OF_STREAM_WAIT_MS = 2_000

/**
 * One connection: verify, and only when accepted send the login on it; then
 * decide the record layer (REC) and the handshake steps again over the whole
 * connection, so tampering with the login's records rejects it too.
 */
async function connectOnce(params: RunInstrumentedClientParams): Promise<ClientReport> {
  const session = await connectAndVerify(params)
  let decided = session.report
  if (decided.verdict === 'accept' && session.socket !== null) {
    // A record attack can break the connection while the client is still verifying.
    decided.http = session.socket.destroyed
      ? { sentCredentials: false, status: null, headers: {}, error: 'The connection failed before the login was sent' }
      : await sendLogin(session.socket, params, params.clientId ?? 'lab-verifier', params.timeoutMs ?? 10_000)
    const settled = await session.settle(END_OF_STREAM_WAIT_MS)
    const { steps, verdict, catchingStep, code, ...rest } = decided
    const merged = steps.map((step) => settled.steps.find((s) => s.step === step.step) ?? step)
    // Node's own stack raises the same record-layer error (bad_record_mac) to any application reading the socket.
    const recordError = settled.steps.find((step) => step.step === 'REC')?.detail?.['clientError']
    const node = typeof recordError === 'string' ? { authorized: false, error: recordError } : rest.node
    decided = decideVerdict({ ...rest, node, wire: session.readWire(), handshake: settled.handshake }, merged, decided.certificate)
  }
  session.socket?.destroy()
  return decided
}

async function sendLogin(socket: TLSSocket, params: RunInstrumentedClientParams, clientId: string, timeoutMs: number): Promise<NonNullable<ClientReport['http']>> {
  const body = new URLSearchParams(params.credentials).toString()
  try {
    const response = await exchangeHttp(
      socket,
      {
        method: 'POST',
        path: '/login',
        host: params.expectedHost,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'User-Agent': `mitmlab-client/1 (${clientId}; node ${process.versions.node})`,
          'X-Mitmlab-Client': clientId,
        },
        body,
      },
      timeoutMs,
    )
    return { sentCredentials: true, status: response.status, headers: response.headers, error: null }
  } catch (error) {
    return { sentCredentials: true, status: null, headers: {}, error: (error as Error).message }
  }
}

