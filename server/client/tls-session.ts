import type { DetailedPeerCertificate, TLSSocket } from 'node:tls'
import { fetchCrls } from '../revocation/fetch-crls.js'
import { STEP_IDS, type StepId } from '../steps/step-ids.js'
import { skipStep, type StepResult } from '../steps/step-result.js'
import type { HandshakeTranscript } from '../tls/handshake/transcript-types.js'
import { verify } from '../verifier/index.js'
import type { VerifyInput, VerifyReport } from '../verifier/types.js'
import { parseCertificate, summarizeCertificate } from '../x509/index.js'
import type { ClientReport } from './client-report.js'
import { CONNECTION_CODES } from './connection-codes.js'
import { connectionSteps } from './connection-steps.js'
import type { RunInstrumentedClientParams } from './instrumented-client.js'
import { checkLiveSteps } from './live-steps.js'
import { openConnection } from './open-connection.js'
import { checkFailedNegotiation, checkNegotiatedProtocol, DEFAULT_PROTOCOL_POLICY } from './protocol-policy.js'
import { ianaGroupName } from '../tls/key-exchange-group.js'

/** One TLS connection, verified step by step, still open when accepted. */
export interface VerifiedSession {
  /** Decided: steps, verdict, catching step; `http` is still null. */
  report: ClientReport
  /** The open socket (the caller sends on it, then destroys it); null when the handshake failed. */
  socket: TLSSocket | null
  /** The wire as captured so far: read again after sending, so the login is on it too. */
  readWire: () => ClientReport['wire']
  /**
   * After the login exchange: waits (bounded) for the server to end the stream, then decides
   * PROTO, HS, FIN and REC again over the whole connection (record tampering, truncation).
   */
  settle: (waitForEndMs: number) => Promise<{ steps: StepResult[]; handshake: ClientReport['handshake'] }>
}

/**
 * Opens one TLS connection as the victim, captures everything it was shown
 * (the chain as sent, the decrypted handshake, a stapled OCSP response), runs
 * every step (PROTO, the verifier's certificate steps with fetched CRLs, CT,
 * REV by OCSP, HS, FIN) and decides, without sending anything.
 */
export async function connectAndVerify(params: RunInstrumentedClientParams): Promise<VerifiedSession> {
  const clientId = params.clientId ?? 'lab-verifier'
  const protocol = params.policy.protocol ?? DEFAULT_PROTOCOL_POLICY
  const timeoutMs = params.timeoutMs ?? 10_000
  const now = params.now ?? new Date()
  const connection = await openConnection(params, protocol, timeoutMs)
  const base = {
    clientId,
    transport: { connected: connection.socket !== null, error: connection.error },
    node: connection.node,
  }

  if (connection.socket === null) {
    const proto = connection.error === null ? null : checkFailedNegotiation(protocol, connection.error.code, connection.error.message)
    // HS / FIN / PROTO (downgrade sentinel) from the client's own transcript and its actual error (issue 12).
    const steps = completeTrace(
      connectionSteps({ handshakeCompleted: false, clientError: connection.error ?? undefined, streamEnded: false, transcript: connection.transcript, policyProto: proto }),
      null,
    )
    const report = decideVerdict(
      { ...base, tls: null, presentedChainDer: [], chainSource: 'none', wire: connection.readWire(), presentedChain: [], certificate: null, http: null, handshake: summarizeTranscript(connection.transcript) },
      steps,
      null,
    )
    for (const step of report.steps) params.onStep?.(step)
    return { report, socket: null, readWire: connection.readWire, settle: () => Promise.resolve({ steps: report.steps, handshake: report.handshake }) }
  }

  const socket = connection.socket
  const { chain: chainDer, source: chainSource } = presentedChain(socket, connection.transcript)
  const [leafDer] = chainDer
  // CRLs are fetched before verification: the verifier checks them under REV (RFC 5280 §6.3).
  const fetched = leafDer === undefined ? { crls: [], unavailable: null } : await fetchCrls(leafDer, params.policy.revocation)
  const certificate = verify({ ...buildVerifyInput(params, chainDer, now), ...(fetched.crls.length > 0 ? { crls: fetched.crls } : {}) })
  const live = await checkLiveSteps({ policy: params.policy, chainDer, certificate, now, staple: connection.staple(), crlUnavailable: fetched.unavailable })
  const version = socket.getProtocol() ?? 'unknown'
  const cipher = socket.getCipher().standardName
  // The client's own view of the key exchange (OpenSSL's SSL_get_negotiated_group via node:tls).
  const ephemeral = socket.getEphemeralKeyInfo()
  const group = ephemeral !== null && typeof ephemeral === 'object' && 'name' in ephemeral && typeof ephemeral.name === 'string' ? ianaGroupName(ephemeral.name) : null
  const policyProto = checkNegotiatedProtocol(protocol, version, cipher, group)
  const observed = { handshakeCompleted: true, policyProto, transcript: connection.transcript }
  const steps = completeTrace(
    [
      ...(live.rev === undefined ? [] : [live.rev]),
      live.ct,
      ...certificate.steps,
      // REC is decided by settle(), once application records have been exchanged.
      ...connectionSteps({ ...observed, streamEnded: false }).filter((step) => step.step !== 'REC'),
    ],
    certificate,
  )
  const report = decideVerdict(
    {
      ...base,
      tls: {
        version,
        cipher,
        group,
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
    },
    steps,
    certificate,
  )
  for (const step of report.steps) params.onStep?.(step)
  const settle = async (waitForEndMs: number): Promise<{ steps: StepResult[]; handshake: ClientReport['handshake'] }> => {
    await connection.afterHandshake.whenEnded(waitForEndMs)
    const { error, ended } = connection.afterHandshake
    // The whole connection now: post-handshake messages (NewSessionTicket), record totals, close_notify.
    const transcript = connection.decode()
    const steps = connectionSteps({ ...observed, clientError: error ?? undefined, streamEnded: ended, transcript })
    return { steps, handshake: summarizeTranscript(transcript) }
  }
  return { report, socket, readWire: connection.readWire, settle }
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

function buildVerifyInput(params: RunInstrumentedClientParams, chainDer: Buffer[], now: Date): VerifyInput {
  const policy = params.policy
  return {
    presented: chainDer,
    trustAnchors: policy.trustAnchors,
    expectedHost: params.expectedHost,
    now,
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
export function decideVerdict(
  report: Omit<ClientReport, 'steps' | 'verdict' | 'catchingStep' | 'code'>,
  steps: StepResult[],
  certificate: VerifyReport | null,
): ClientReport {
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

/** The transcript without the certificate bytes (they are in presentedChainDer already). */
function summarizeTranscript(transcript: HandshakeTranscript): ClientReport['handshake'] {
  return {
    ...transcript,
    messages: transcript.messages.map(({ fields, ...message }) => {
      return { ...message, fields: Object.fromEntries(Object.entries(fields).filter(([name]) => name !== 'certificates')) }
    }),
    clientToServer: [],
    serverToClient: [],
  }
}
