import { connect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls'
import { STEP_IDS, type StepId } from '../steps/step-ids.js'
import { failStep, passStep, skipStep, type StepResult } from '../steps/step-result.js'
import { verify } from '../verifier/index.js'
import type { VerifyInput, VerifyProfile, VerifyReport } from '../verifier/types.js'
import { parseCertificate, summarizeCertificate } from '../x509/index.js'
import type { ClientReport } from './client-report.js'
import { decodeConnection } from '../tls/handshake/decode-connection.js'
import type { HandshakeTranscript } from '../tls/handshake/transcript-types.js'
import { KeylogRecorder } from '../tls/keylog/keylog-recorder.js'
import { CapturingSocket } from './capturing-socket.js'
import { CONNECTION_CODES } from './connection-codes.js'
import { exchangeHttp } from './http-exchange.js'
import { checkFailedNegotiation, checkNegotiatedProtocol, DEFAULT_PROTOCOL_POLICY, type ProtocolPolicy } from './protocol-policy.js'

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
  const clientId = params.clientId ?? 'lab-verifier'
  const protocol = params.policy.protocol ?? DEFAULT_PROTOCOL_POLICY
  const timeoutMs = params.timeoutMs ?? 10_000
  const connection = await openConnection(params, protocol, timeoutMs)
  const base = {
    clientId,
    transport: { connected: connection.socket !== null, error: connection.error },
    node: connection.node,
  }

  if (connection.socket === null) {
    const proto = connection.error === null ? null : checkFailedNegotiation(protocol, connection.error.code, connection.error.message)
    const steps = completeTrace([
      proto ?? failStep('PROTO', 'HANDSHAKE_FAILED', `The TLS handshake failed: ${connection.error?.message ?? 'unknown error'}`, { error: connection.error?.code }),
    ], null)
    return finish(
      { ...base, tls: null, presentedChainDer: [], chainSource: 'none', wire: connection.readWire(), presentedChain: [], certificate: null, http: null, handshake: summarizeTranscript(connection.transcript) },
      steps,
      null,
      params.onStep,
    )
  }

  const socket = connection.socket
  const { chain: chainDer, source: chainSource } = presentedChain(socket, connection.transcript)
  const certificate = verify(buildVerifyInput(params, chainDer))
  const version = socket.getProtocol() ?? 'unknown'
  const cipher = socket.getCipher().standardName
  const steps = completeTrace(
    [
      checkNegotiatedProtocol(protocol, version, cipher),
      ...certificate.steps,
      // OpenSSL completed the handshake: it verified the server's handshake signature and Finished.
      passStep('HS', 'The server proved possession of the certificate key (handshake signature verified)'),
      passStep('FIN', 'Both Finished messages verified: the handshake transcript was not altered'),
    ],
    certificate,
  )
  const report: Omit<ClientReport, 'steps' | 'verdict' | 'catchingStep' | 'code'> = {
    ...base,
    tls: {
      version,
      cipher,
      alpn: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : null,
      servername: params.expectedHost,
    },
    presentedChainDer: chainDer.map((der) => der.toString('base64')),
    chainSource,
    wire: connection.readWire(),
    handshake: summarizeTranscript(connection.transcript),
    presentedChain: chainDer.flatMap((der) => {
      const parsed = parseCertificate(der)
      return parsed.ok ? [summarizeCertificate(parsed.value)] : []
    }),
    certificate,
    http: null,
  }
  const decided = finish(report, steps, certificate, params.onStep)
  if (decided.verdict === 'accept') {
    decided.http = await sendLogin(socket, params, clientId, timeoutMs)
    if (decided.http.error === null) replaceStep(decided.steps, passStep('REC', 'Application records exchanged with intact MACs/tags'))
    decided.wire = connection.readWire()
  }
  socket.destroy()
  return decided
}

interface OpenedConnection {
  socket: TLSSocket | null
  /** The handshake as the network carried it, decrypted with the client's key log. */
  transcript: HandshakeTranscript
  /** Read at the end, so the login exchange is on the wire too. */
  readWire: () => ClientReport['wire']
  error: { code: string; message: string } | null
  node: ClientReport['node']
}

function openConnection(params: RunInstrumentedClientParams, protocol: ProtocolPolicy, timeoutMs: number): Promise<OpenedConnection> {
  return new Promise((resolve) => {
    const capture = new CapturingSocket(params.connectTo.host, params.connectTo.port)
    const keylog = new KeylogRecorder()
    const socket = connect({
      socket: capture,
      servername: params.expectedHost,
      ca: params.policy.trustAnchors.map(derToPem),
      // Verification is ours (step by step); Node's verdict is read from `authorized` for comparison.
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
      minVersion: params.policy.offerMinVersion ?? protocol.minVersion,
    })
    keylog.attach(socket)
    const timer = setTimeout(() => socket.destroy(new Error(`No TLS handshake within ${timeoutMs} ms`)), timeoutMs)
    socket.once('secureConnect', () => {
      clearTimeout(timer)
      socket.off('error', onError)
      socket.on('error', () => {})
      const error = socket.authorizationError
      resolve({
        socket,
        transcript: decodeConnection({ clientToServer: capture.clientToServer, serverToClient: capture.serverToClient, keylog: keylog.text }),
        readWire: () => wireOf(capture, keylog),
        error: null,
        node: { authorized: socket.authorized, error: error === null || error === undefined ? null : String(error) },
      })
    })
    const onError = (error: NodeJS.ErrnoException): void => {
      clearTimeout(timer)
      const code = error.code ?? 'TLS_ERROR'
      const transcript = decodeConnection({ clientToServer: capture.clientToServer, serverToClient: capture.serverToClient, keylog: keylog.text })
      resolve({ socket: null, transcript, readWire: () => wireOf(capture, keylog), error: { code, message: error.message }, node: { authorized: false, error: code } })
    }
    socket.once('error', onError)
  })
}

/**
 * The chain exactly as the server sent it (order, junk and all), from the
 * decoded Certificate message. Node's getPeerCertificate(true) rebuilds the
 * chain with OpenSSL's issuer checks and silently drops what does not chain
 * (a CA:FALSE "issuer", say), so it is only the fallback.
 */
function presentedChain(socket: TLSSocket, transcript: HandshakeTranscript): { chain: Buffer[]; source: ClientReport['chainSource'] } {
  const certificate = transcript.serverToClient.find((message) => message.name === 'Certificate')
  const sent = certificate?.fields['certificates']
  if (Array.isArray(sent) && sent.length > 0) {
    return { chain: sent.map((der: string) => Buffer.from(der, 'base64')), source: 'as-sent' }
  }
  return { chain: rebuiltChain(socket), source: 'node-rebuilt' }
}

/** The chain as Node exposes it, leaf first (issuerCertificate links; the self-loop ends it). */
function rebuiltChain(socket: TLSSocket): Buffer[] {
  const chain: Buffer[] = []
  const seen = new Set<string>()
  let current: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true)
  while (current?.raw !== undefined && chain.length < 16) {
    const key = current.fingerprint256
    if (seen.has(key)) break
    seen.add(key)
    chain.push(current.raw)
    current = current.issuerCertificate
  }
  return chain
}

function buildVerifyInput(params: RunInstrumentedClientParams, chainDer: Buffer[]): VerifyInput {
  const policy = params.policy
  return {
    presented: chainDer,
    trustAnchors: policy.trustAnchors,
    expectedHost: params.expectedHost,
    now: params.now ?? new Date(),
    ...(policy.profile === undefined ? {} : { profile: policy.profile }),
    ...(policy.allowCommonNameFallback === undefined ? {} : { allowCommonNameFallback: policy.allowCommonNameFallback }),
    ...(policy.pins === undefined ? {} : { pins: policy.pins }),
  }
}

/** One result per STEP_ID: the decided ones, and an honest skip for every step this connection did not reach. */
function completeTrace(decided: StepResult[], certificate: VerifyReport | null): StepResult[] {
  const byStep = new Map<StepId, StepResult>()
  for (const step of decided) if (!byStep.has(step.step)) byStep.set(step.step, step)
  return STEP_IDS.map((id) => byStep.get(id) ?? defaultSkip(id, certificate))
}

function defaultSkip(id: StepId, certificate: VerifyReport | null): StepResult {
  if (certificate === null && id !== 'HSTS' && id !== 'FP') {
    return skipStep(id, CONNECTION_CODES.NO_CERTIFICATE, 'Not reached: the handshake ended before a certificate was verified')
  }
  if (id === 'HSTS') return skipStep(id, CONNECTION_CODES.NOT_APPLICABLE, 'The client went to https:// directly; no HTTP step to strip')
  if (id === 'FP') return skipStep(id, CONNECTION_CODES.NOT_MEASURED, 'Decided by the genuine server, not the client')
  if (id === 'REC') return skipStep(id, CONNECTION_CODES.NOT_APPLICABLE, 'No application data was exchanged')
  return skipStep(id, CONNECTION_CODES.NOT_CONFIGURED, 'This client policy does not check this step')
}

/**
 * The catching step: the first step to fail in the order a client meets them
 * (STEP_IDS); among the certificate steps, the verifier's own choice.
 */
function finish(
  report: Omit<ClientReport, 'steps' | 'verdict' | 'catchingStep' | 'code'>,
  steps: StepResult[],
  certificate: VerifyReport | null,
  onStep: ((step: StepResult) => void) | undefined,
): ClientReport {
  for (const step of steps) onStep?.(step)
  const firstFailure = steps.find((step) => step.status === 'fail')
  const certificateCatch = certificate?.catchingStep ?? null
  const catching =
    firstFailure === undefined
      ? null
      : firstFailure.step === 'PROTO' || certificateCatch === null
        ? firstFailure
        : (steps.find((step) => step.step === certificateCatch) ?? firstFailure)
  return {
    ...report,
    steps,
    verdict: catching === null ? 'accept' : 'reject',
    catchingStep: catching?.step ?? null,
    code: catching?.code ?? null,
  }
}

function replaceStep(steps: StepResult[], replacement: StepResult): void {
  const index = steps.findIndex((step) => step.step === replacement.step)
  if (index >= 0) steps[index] = replacement
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

/** The bytes on the wire up to the verdict, and the secrets that open them (SSLKEYLOGFILE format). */
function wireOf(capture: CapturingSocket, keylog: KeylogRecorder): ClientReport['wire'] {
  return {
    segments: capture.segments.map((segment) => ({ from: segment.from, base64: segment.data.toString('base64') })),
    keyLog: keylog.text,
  }
}

/** The transcript without the certificate bytes (they are in presentedChainDer already). */
function summarizeTranscript(transcript: HandshakeTranscript): ClientReport['handshake'] {
  return {
    ...transcript,
    messages: transcript.messages.map(({ fields, ...message }) => {
      const { certificates: _certificates, ...rest } = fields
      return { ...message, fields: rest }
    }),
    clientToServer: [],
    serverToClient: [],
  }
}

function derToPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----\n`
}
