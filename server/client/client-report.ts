import type { StepId } from '../steps/step-ids.js'
import type { StepResult } from '../steps/step-result.js'
import type { HandshakeTranscript } from '../tls/handshake/transcript-types.js'
import type { CertSummary, VerifyReport } from '../verifier/types.js'

/** Everything the instrumented client was shown and decided on one connection. */
export interface ClientReport {
  clientId: string
  /** The TCP/TLS level outcome before any verification. */
  transport: { connected: boolean; error: { code: string; message: string } | null }
  /** `group`: the key-exchange group negotiated (IANA name, e.g. X25519MLKEM768 or x25519), null if none. */
  tls: { version: string | null; cipher: string | null; group: string | null; alpn: string | null; servername: string } | null
  /** The chain as presented, DER base64, leaf first. */
  presentedChainDer: string[]
  /** as-sent: from the decoded Certificate message; node-rebuilt: Node's view (decoding failed); none: no handshake. */
  chainSource: 'as-sent' | 'node-rebuilt' | 'none'
  /**
   * The client leg's bytes (base64, up to the verdict: the handshake and the login) and its
   * NSS key log, so Wireshark can decrypt what the client and the attacker exchanged.
   */
  wire: { segments: { from: 'client' | 'server'; base64: string }[]; keyLog: string }
  /** The handshake messages as the network carried them, decrypted with the key log (certificate bytes omitted). */
  handshake: HandshakeTranscript | null
  presentedChain: CertSummary[]
  /** The certificate verifier's full report (path, rejected candidates). */
  certificate: VerifyReport | null
  /** The whole trace: connection-level steps and the verifier's, in STEP_IDS order. */
  steps: StepResult[]
  verdict: 'accept' | 'reject'
  catchingStep: StepId | null
  code: string | null
  /** Node's own verification of the same connection (authorized / authorizationError), for comparison. */
  node: { authorized: boolean; error: string | null }
  /** The login the client sent only after accepting: what an attacker wants. */
  http: { sentCredentials: boolean; status: number | null; headers: Record<string, string>; error: string | null } | null
  /** HTTP-first clients only (policy.startUrl http://): what the victim requested on each visit, and its HSTS hosts. */
  navigation?: { visits: VisitLog[]; hstsHosts: string[] }
  /** Clients making several connections (policy.connections): each one's outcome, in order, up to the first rejected. */
  attempts?: { verdict: 'accept' | 'reject'; catchingStep: StepId | null; code: string | null }[]
}

/** What the victim did on one visit, for the trainee. */
export interface VisitLog {
  requests: { method: string; url: string; status: number | null; upgradedBy: 'preloaded' | 'learned' | null }[]
  /** Where the login went, or null when it was never sent. */
  loginSentTo: string | null
}
