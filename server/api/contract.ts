/**
 * The one typed contract between the lab server and the dashboard: socket.io
 * events (snapshot on connect, then batched deltas) and the REST shapes the
 * replay client reads. The server builds `new Server<ClientToServerEvents,
 * ServerToClientEvents>()`; the dashboard imports this file through the
 * `@contract` alias. Only types and the step vocabulary live here, so the
 * browser bundle pulls in nothing from the server.
 */
import type { ClientReport } from '../client/client-report.js'
import type { ClientGrade, Grade } from '../report/client-grade.js'
import type { ClientSummary } from '../report/client-summary.js'
import type { ScenarioResult } from '../lab/scenario-result.js'
import type { ConnectionRecord } from '../proxy/connection-record.js'
import type { StepId } from '../steps/step-ids.js'
import type { StepResult, StepStatus } from '../steps/step-result.js'
import type { RunRow, RunStatus } from '../store/lab-store.js'
import type { CertSummary } from '../verifier/types.js'
import type { GenuineRequestDto } from './client-hello-dto.js'

export type { GenuineRequestDto, HelloViewDto, RequestFingerprintDto, SentHelloDto } from './client-hello-dto.js'
export { TRAINING_PATHS } from './training-dto.js'
export { DOWNLOAD_PATHS } from './download-dto.js'
export type { DownloadDto, DownloadsDto } from './download-dto.js'
export type {
  TraineeScoreDto,
  TrainingAnswerInput,
  TrainingFamilyDto,
  TrainingPrediction,
  TrainingQuestionDto,
  TrainingRevealDto,
  TrainingSessionDto,
  TrainingSessionInput,
} from './training-dto.js'

export { STEP_IDS, STEP_TITLES } from '../steps/step-ids.js'
export type { StepId, StepResult, StepStatus, RunStatus, CertSummary }

/** One client of a run, in run order (the lab's verifier first): the version it was measured with and its counts. */
export interface RunClientDto {
  clientId: string
  /** `curl 8.x …`; null when the run did not record it (runs before issue 18, the lab's own verifier). */
  version: string | null
  results: number
  asExpected: number
}

/**
 * A run in (scenario, client) units: the run list reads "4 scenarios × 7
 * clients, 26/28 as expected" from it, never "28/4 scenarios".
 */
export interface RunShapeDto {
  scenarios: number
  clients: RunClientDto[]
  /** scenarios × clients once the run is complete. */
  results: number
  asExpected: number
  /** The sentence above, ready to show. */
  label: string
}

/** A stored run. `shape` is present on every run the queries return (runs:list, run:get, the snapshot). */
export type RunDto = RunRow & { shape?: RunShapeDto }

export type { ClientGrade, Grade }

/**
 * One client's summary card (server/report/client-summary.ts): false accepts,
 * false rejects, not exercised, unmapped, the families it falls for and its
 * grade with the reason it is capped (server/report/client-grade.ts).
 */
export type ClientSummaryDto = ClientSummary

/** A scenario as the trainee reads it: no forge functions, no keys. */
export interface ScenarioDto {
  id: string
  title: string
  explanation: string
  references: string[]
  tags: string[]
  kind: 'attack' | 'control'
  expect: ScenarioResult['expected']
}

/** What the proxy saw on one connection; the served DER is dropped (the client report holds the parsed chain). */
export type ConnectionDto = Omit<ConnectionRecord, 'servedChain'> & { servedChain: { subject: string; issuer: string }[] }

/** The client report without raw bytes: no DER, no wire capture, no key log. */
export type ClientReportDto = Omit<ClientReport, 'steps' | 'presentedChainDer' | 'wire'>

/** One committed scenario result. */
export type ResultDto = Omit<ScenarioResult, 'connections' | 'client' | 'genuine'> & {
  connections: ConnectionDto[]
  client: ClientReportDto | null
  /** What reached the genuine server; each fingerprint also carries both hellos in display names (issue 8). */
  genuine: { requests: GenuineRequestDto[] }
}

/** A step pushed live, before its scenario result is committed. */
export interface LiveStepDto {
  runId: string
  scenarioId: string
  clientId: string
  ordinal: number
  step: StepResult
}

/** A run with everything committed so far (and, while it runs, the steps of the scenario in flight). */
export interface RunDetailDto {
  run: RunDto
  /** One per (scenario, client); `clientId` says whose. */
  results: ResultDto[]
  liveSteps: LiveStepDto[]
  /** One per client in run order, computed from the committed results (present on run:get and the snapshot). */
  clients?: ClientSummaryDto[]
}

/** The lab that does not change between runs: the catalog and the chain the genuine server presents. */
export interface LabInfoDto {
  catalog: ScenarioDto[]
  /** Leaf first, as the genuine bank.lab server serves it. */
  genuineChain: CertSummary[]
  /** True when this server can start and cancel runs (a live server, not a replay). */
  canRun: boolean
}

export interface SnapshotDto {
  lab: LabInfoDto
  runs: RunDto[]
  /** The run in progress, if any. */
  openRun: RunDetailDto | null
  /** Server time, for clock-independent display of durations. */
  serverTime: string
}

/**
 * One delta. Deltas travel in order-preserving batches (`lab:deltas`) so a
 * burst of thousands costs a handful of socket frames and reactive updates.
 * `sentAt` (epoch ms) is when the server published it, for latency benchmarks.
 */
export type LabDelta =
  | { type: 'run:started'; sentAt: number; run: RunDto; scenarioIds: string[] }
  | { type: 'scenario:started'; sentAt: number; runId: string; scenarioId: string; ordinal: number }
  | ({ type: 'step:result'; sentAt: number } & LiveStepDto)
  | { type: 'connection:closed'; sentAt: number; runId: string | null; scenarioId: string | null; connection: ConnectionDto }
  | { type: 'scenario:finished'; sentAt: number; result: ResultDto }
  | { type: 'run:finished'; sentAt: number; run: RunDto }

export type LabDeltaType = LabDelta['type']

/** Every ack is a value: a call that fails says why, it never throws across the socket. */
export type Ack<T> = { ok: true; value: T } | { ok: false; code: ApiErrorCode; message: string }

export type ApiErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'RUN_IN_PROGRESS'
  | 'NO_RUN_IN_PROGRESS'
  | 'INTERNAL'
  /** Over the per-client budget (server/api/rate-limit.ts): try again after `retryAfterSeconds`. */
  | 'RATE_LIMITED'

/** Why the server dropped a socket event instead of answering it. */
export interface LabErrorEventDto {
  code: ApiErrorCode
  message: string
  /** The event that was dropped. */
  event: string
  retryAfterSeconds: number
}

/** `run:start` input: every scenario when `scenarioIds` is absent. */
export interface RunStartInput {
  scenarioIds?: string[] | undefined
}

export interface RunCancelInput {
  runId: string
}

export interface RunsListInput {
  limit?: number | undefined
}

export interface RunGetInput {
  runId: string
}

export interface ServerToClientEvents {
  /** Ordered deltas since the last batch. */
  'lab:deltas': (batch: LabDelta[]) => void
  /** A client event was dropped (over the rate limit); its ack, if any, also gets the error. */
  'lab:error': (error: LabErrorEventDto) => void
}

export interface ClientToServerEvents {
  /** The state to start from, asked for on every (re)connect. */
  'lab:snapshot': (ack: (reply: Ack<SnapshotDto>) => void) => void
  'runs:list': (input: RunsListInput, ack: (reply: Ack<RunDto[]>) => void) => void
  'run:get': (input: RunGetInput, ack: (reply: Ack<RunDetailDto>) => void) => void
  'run:start': (input: RunStartInput, ack: (reply: Ack<{ runId: string }>) => void) => void
  'run:cancel': (input: RunCancelInput, ack: (reply: Ack<{ runId: string }>) => void) => void
}

/** REST paths the replay client reads; they return the same DTOs as the socket. */
export const API_PATHS = {
  lab: '/api/lab',
  runs: '/api/runs',
  run: (runId: string) => `/api/runs/${encodeURIComponent(runId)}`,
} as const

/** The header (or socket.io `auth.token`, or `?token=` on the page URL) that carries the access token. */
export const TOKEN_HEADER = 'x-mitmlab-token'
