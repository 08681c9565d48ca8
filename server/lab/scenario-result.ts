import type { ClientReport } from '../client/client-report.js'
import type { InterceptionDetection } from '../fingerprint/detect-interception.js'
import type { ConnectionRecord } from '../proxy/connection-record.js'
import type { StepId } from '../steps/step-ids.js'
import type { StepResult } from '../steps/step-result.js'

export type Verdict = 'accept' | 'reject'

export interface ExpectedOutcome {
  verdict: Verdict
  /** The step that must catch the attack; null for controls and for attacks nothing catches. */
  step: StepId | null
  /** The exact failure code, when the scenario pins it. */
  code?: string
  /** Whether the genuine server must flag the connection (FP step), when the scenario is about that. */
  serverDetects?: boolean
}

/** One scenario run with one client: what the store keeps and the dashboard shows. */
export interface ScenarioResult {
  runId: string
  ordinal: number
  scenarioId: string
  clientId: string
  kind: 'attack' | 'control'
  expected: ExpectedOutcome
  verdict: Verdict
  catchingStep: StepId | null
  code: string | null
  node: { authorized: boolean; error: string | null }
  /** The proxy read the victim's credentials in the clear. */
  leaked: boolean
  asExpected: boolean
  /** Why the scenario could not be run at all (infrastructure), when it could not. */
  error: string | null
  startedAt: string
  durationMs: number
  steps: StepResult[]
  connections: ConnectionRecord[]
  client: Omit<ClientReport, 'steps'> | null
  /** What reached the genuine server. */
  genuine: { requests: GenuineRequest[] }
  /** Why the result differs from the expectation, one sentence per difference. */
  mismatches: string[]
  /** For a real client (curl, a browser, `--client CMD`): what it said, verbatim, and how that maps to a step. */
  external?: ExternalClientDetail
}

export interface ExternalClientDetail {
  rawError: string | null
  exitCode: number | null
  /** False when the client's error matched no row of its table: shown verbatim, never guessed. */
  isMapped: boolean
  output: string
  /**
   * Set (to the reason) when the client never met the attack, so it is not
   * judged on it: in an sslstrip/HSTS scenario, a client that went straight
   * to https:// gave the stripping proxy nothing but ciphertext. Absent: judged.
   */
  notExercised?: string
}

export interface GenuineRequest {
  at: string
  method: string
  path: string
  /** The lab client id the request claims to come from. */
  client: string | null
  userAgent: string | null
  receivedCredentials: boolean
  /** The genuine server's view of the ClientHello that opened this request's connection. */
  fingerprint: RequestFingerprint | null
}

/** Server-side interception detection for one request (the FP step's input). */
export interface RequestFingerprint {
  detection: InterceptionDetection
  /** The hello as offered, in IANA names, for the side-by-side view. */
  hello: { versions: string[]; cipherSuites: string[]; groups: string[]; alpn: string[]; extensions: number[] }
}
