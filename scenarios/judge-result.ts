import type { ClientReport } from '../server/client/client-report.js'
import type { GenuineRequest, ScenarioResult } from '../server/lab/scenario-result.js'
import type { ConnectionRecord } from '../server/proxy/connection-record.js'
import { VICTIM_CREDENTIALS } from '../server/genuine/bank-site.js'
import type { Scenario } from './define-scenario.js'

export interface JudgeResultParams {
  scenario: Scenario
  position: { runId: string; ordinal: number }
  client: ClientReport | null
  error: string | null
  connections: ConnectionRecord[]
  genuineRequests: GenuineRequest[]
  startedAt: Date
  durationMs: number
}

/** Compares what happened with what the scenario expects, and says why they differ. */
export function judgeResult(params: JudgeResultParams): ScenarioResult {
  const { scenario, client } = params
  const leaked = params.connections.some((connection) =>
    connection.plaintext.credentials.some((credential) => credential.value === VICTIM_CREDENTIALS.password),
  )
  const verdict = client?.verdict ?? 'reject'
  const catchingStep = client?.catchingStep ?? null
  const code = client?.code ?? null
  const mismatches: string[] = []
  if (params.error !== null) mismatches.push(`The scenario could not be run: ${params.error.split('\n')[0] ?? ''}`)
  if (verdict !== scenario.expect.verdict) mismatches.push(`Expected the client to ${scenario.expect.verdict}, it chose ${verdict}`)
  if (catchingStep !== scenario.expect.step) {
    mismatches.push(`Expected step ${scenario.expect.step ?? 'none'} to catch it, got ${catchingStep ?? 'none'}`)
  }
  if (scenario.expect.code !== undefined && code !== scenario.expect.code) {
    mismatches.push(`Expected failure code ${scenario.expect.code}, got ${code ?? 'none'}`)
  }
  if (scenario.kind === 'control' && leaked) mismatches.push('A control leaked credentials to the proxy')
  if (scenario.topology.kind === 'passthrough' && params.connections.some((c) => c.plaintext.requests.length > 0)) {
    mismatches.push('The pass-through proxy read plaintext')
  }
  const { steps = [], ...clientWithoutSteps } = client ?? {}
  return {
    runId: params.position.runId,
    ordinal: params.position.ordinal,
    scenarioId: scenario.id,
    clientId: client?.clientId ?? 'lab-verifier',
    kind: scenario.kind,
    expected: scenario.expect,
    verdict,
    catchingStep,
    code,
    node: client?.node ?? { authorized: false, error: null },
    leaked,
    asExpected: mismatches.length === 0,
    error: params.error,
    startedAt: params.startedAt.toISOString(),
    durationMs: params.durationMs,
    steps,
    connections: params.connections,
    client: client === null ? null : (clientWithoutSteps as Omit<ClientReport, 'steps'>),
    genuine: { requests: params.genuineRequests },
    mismatches,
  }
}
