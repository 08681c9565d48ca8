import type { ClientReport } from '../server/client/client-report.js'
import type { GenuineRequest, ScenarioResult } from '../server/lab/scenario-result.js'
import type { ConnectionRecord } from '../server/proxy/connection-record.js'
import { VICTIM_CREDENTIALS } from '../server/genuine/bank-site.js'
import type { DriverOutcome } from '../server/drivers/client-driver.js'
import type { StepResult } from '../server/steps/step-result.js'
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

/** What every result states the same way, whoever the client was. */
function sharedFields(params: Omit<JudgeResultParams, 'client'>): Pick<
  ScenarioResult,
  'runId' | 'ordinal' | 'scenarioId' | 'kind' | 'expected' | 'error' | 'startedAt' | 'durationMs' | 'connections' | 'genuine'
> {
  return {
    runId: params.position.runId,
    ordinal: params.position.ordinal,
    scenarioId: params.scenario.id,
    kind: params.scenario.kind,
    expected: params.scenario.expect,
    error: params.error,
    startedAt: params.startedAt.toISOString(),
    durationMs: params.durationMs,
    connections: params.connections,
    genuine: { requests: params.genuineRequests },
  }
}

function credentialsLeaked(connections: readonly ConnectionRecord[]): boolean {
  return connections.some((connection) =>
    connection.plaintext.credentials.some((credential) => credential.value === VICTIM_CREDENTIALS.password),
  )
}

/** Compares what happened with what the scenario expects, and says why they differ. */
export function judgeResult(params: JudgeResultParams): ScenarioResult {
  const { scenario, client } = params
  const leaked = credentialsLeaked(params.connections)
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
  if (scenario.expect.serverDetects !== undefined) {
    const detected = client?.steps.find((step) => step.step === 'FP')?.status === 'fail'
    if (detected !== scenario.expect.serverDetects) {
      mismatches.push(`Expected the genuine server ${scenario.expect.serverDetects ? 'to flag' : 'not to flag'} the connection (FP)`)
    }
  }
  if (scenario.topology.kind === 'passthrough' && params.connections.some((c) => c.plaintext.requests.length > 0)) {
    mismatches.push('The pass-through proxy read plaintext')
  }
  const { steps = [], ...clientWithoutSteps } = client ?? {}
  return {
    ...sharedFields(params),
    clientId: client?.clientId ?? 'lab-verifier',
    verdict,
    catchingStep,
    code,
    node: client?.node ?? { authorized: false, error: null },
    leaked,
    asExpected: mismatches.length === 0,
    steps,
    client: client === null ? null : (clientWithoutSteps as Omit<ClientReport, 'steps'>),
    mismatches,
  }
}

export interface JudgeDriverResultParams extends Omit<JudgeResultParams, 'client'> {
  clientId: string
  outcome: DriverOutcome | null
  /**
   * The scenario is about the victim's first, plain-HTTP visit (its client
   * policy starts at an http:// URL: sslstrip, HSTS). Default: false.
   */
  startsOverHttp?: boolean
  /**
   * The attacker reaches only some connections, and the lab's victim makes
   * this many to meet it (probabilistic attacks). Default: 1.
   */
  victimConnections?: number
  /**
   * What the scenario's victim is configured with that no real client driver
   * is given (SPKI pins, CT enforcement): the attack is about a client so
   * configured. Default: none.
   */
  victimConfiguration?: readonly string[]
}

/** The not-exercised outcome's code, on the result and in reports. */
export const NOT_EXERCISED = 'NOT_EXERCISED'

/**
 * The attack needs a plain-HTTP first request (sslstrip answers it); a client
 * that opened https:// directly, as every client told to fetch an https URL
 * does, never met it. Such a result is "not exercised": shown, never counted
 * as a false accept or a catch.
 */
function notExercisedReason(params: JudgeDriverResultParams): string | null {
  if (params.outcome === null) return null
  if ((params.victimConfiguration ?? []).length > 0) {
    return `the scenario's victim is configured with ${(params.victimConfiguration ?? []).join(' and ')}, which ${params.clientId} is not given: the attack on a client so configured was never tried on it (its unconfigured twin scenario judges it)`
  }
  const victimConnections = params.victimConnections ?? 1
  if (victimConnections > 1 && params.connections.length > 0 && params.connections.every((connection) => connection.mode === 'passthrough')) {
    return `${params.clientId} connected ${params.connections.length} time(s) and the attacker, who intercepts only some connections, relayed ${params.connections.length === 1 ? 'it' : 'them'} untouched: the attack was never tried on it`
  }
  if (params.startsOverHttp !== true || params.outcome.visitedHttpFirst === true) return null
  const sawPlaintext = params.connections.some((connection) => connection.plaintext.requests.length > 0)
  if (sawPlaintext) return null
  return `${params.clientId} went straight to https:// (it cannot be told to type the bare name): the stripping proxy saw only ciphertext, so the attack was never tried on it`
}

/**
 * A client that typed the bare name in an sslstrip attack, completed its login
 * over https:// (in its own words) and leaked nothing (the stripping proxy,
 * which rewrites every https:// link, never read it): the client itself took
 * the plain-HTTP URL to https:// — its HSTS cache or preload list, RFC 6797
 * §8.3. That is the HSTS step catching the attack.
 */
function refusedPlaintextByHsts(params: JudgeDriverResultParams, leaked: boolean): boolean {
  return (
    params.startsOverHttp === true &&
    params.scenario.kind === 'attack' &&
    params.outcome?.visitedHttpFirst === true &&
    params.outcome.verdict === 'accept' &&
    params.outcome.loginSentTo?.startsWith('https:') === true &&
    !leaked
  )
}

/**
 * A real client against a scenario. Its verdict is judged against the
 * scenario (a correct client accepts controls and refuses attacks that a
 * check can catch); its step is whatever its own error maps to, which may
 * name a different step than the lab's verifier: that is information, not a failure.
 */
export function judgeDriverResult(params: JudgeDriverResultParams): ScenarioResult {
  const { scenario, outcome } = params
  const leaked = credentialsLeaked(params.connections)
  const notExercised = params.error === null ? notExercisedReason(params) : null
  if (outcome !== null && notExercised === null && params.error === null && refusedPlaintextByHsts(params, leaked)) {
    return judgeDriverResult({
      ...params,
      startsOverHttp: false,
      outcome: {
        ...outcome,
        verdict: 'reject',
        step: 'HSTS',
        isMapped: true,
        rawError: `${params.clientId} went to https:// by itself: the login never crossed the stripping proxy in the clear (HSTS, RFC 6797 §8.3)`,
      },
    })
  }
  const verdict = outcome?.verdict ?? 'reject'
  const mismatches: string[] = []
  if (params.error !== null) mismatches.push(`The client could not be run: ${params.error.split('\n')[0] ?? ''}`)
  else if (notExercised !== null) {
    // Not a mismatch: the result says it was not exercised, and nothing counts it either way.
  } else if (verdict !== scenario.expect.verdict) {
    mismatches.push(
      verdict === 'accept'
        ? `${params.clientId} accepted an attack that ${scenario.expect.step ?? 'a check'} should catch`
        : `${params.clientId} rejected a connection a correct client accepts`,
    )
  }
  // As for the lab's victim: a control has no attacker on the path, so a leak there is a broken lab, whoever the client.
  if (scenario.kind === 'control' && leaked) mismatches.push('A control leaked credentials to the proxy')
  const code =
    notExercised !== null
      ? NOT_EXERCISED
      : outcome === null || outcome.verdict === 'accept'
        ? null
        : outcome.isMapped
          ? 'CLIENT_REJECTED'
          : 'UNMAPPED_CLIENT_ERROR'
  const steps: StepResult[] =
    outcome?.verdict === 'reject'
      ? [
          outcome.step === null
            ? { step: 'TRUST', status: 'skip', code: 'UNMAPPED_CLIENT_ERROR', message: `Unmapped: ${outcome.rawError ?? ''}` }
            : { step: outcome.step, status: 'fail', code: 'CLIENT_REJECTED', message: outcome.rawError ?? '' },
        ]
      : []
  return {
    ...sharedFields(params),
    clientId: params.clientId,
    verdict,
    catchingStep: outcome?.verdict === 'reject' ? outcome.step : null,
    code,
    node: { authorized: verdict === 'accept', error: outcome?.rawError ?? params.error },
    leaked,
    asExpected: mismatches.length === 0,
    steps,
    client: null,
    mismatches,
    external: {
      rawError: outcome?.rawError ?? null,
      exitCode: outcome?.exitCode ?? null,
      isMapped: outcome?.isMapped ?? false,
      output: outcome?.output ?? '',
      ...(notExercised === null ? {} : { notExercised }),
    },
  }
}
