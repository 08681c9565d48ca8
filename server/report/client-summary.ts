import type { ScenarioResult } from '../lab/scenario-result.js'
import type { StepId } from '../steps/step-ids.js'
import { familiesOf, gradeClient, type ClientGrade } from './client-grade.js'
import { findingOf } from './run-report.js'

/** The lab's own client: the instrumented victim with the step-by-step verifier. */
export const LAB_VERIFIER = 'lab-verifier'

/** One client of a run, as its summary card reads: what it got wrong, where, and the grade that follows. */
export interface ClientSummary {
  clientId: string
  /** The version the results were measured with (`curl --version`, …); null when the run did not record it. */
  version: string | null
  results: number
  asExpected: number
  attacks: number
  controls: number
  /** Attacks a check catches that the client accepted: it is vulnerable. */
  falseAccepts: number
  /** Attacks no check catches that the client accepted (the scenario's lesson, not its fault). */
  acceptedUndetectable: number
  /** Controls the client refused. */
  falseRejects: number
  /** Attacks the client never met (it went straight to https:// in an sslstrip scenario). */
  notExercised: number
  /** Rejections whose error matched no row of the client's table: counted, never guessed. */
  unmapped: number
  errors: number
  /** The families of the attacks it falls for (client-grade.ts), e.g. "hostname", "revocation". */
  fallsFor: string[]
  /** The scenarios behind the false accepts and false rejects, for the card's list. */
  falseAcceptIds: string[]
  falseRejectIds: string[]
  grade: ClientGrade
}

/**
 * Per client, in the run's order (the lab's verifier first): the counts, the
 * families it falls for and its grade. `versions` by client id; missing ones are null.
 */
export function summarizeClients(
  results: readonly ScenarioResult[],
  versions: Readonly<Record<string, string>> = {},
  order: readonly string[] = [],
): ClientSummary[] {
  const clients = clientOrder(results, order)
  return clients.map((clientId) => {
    const own = results.filter((result) => result.clientId === clientId)
    const withFinding = own.map((result) => ({ result, finding: findingOf(result) }))
    const falseAccepts = withFinding.filter((r) => r.finding === 'accepted-attack').map((r) => r.result)
    const falseRejects = withFinding.filter((r) => r.finding === 'rejected-control').map((r) => r.result)
    const notExercised = withFinding.filter((r) => r.finding === 'not-exercised').length
    const errors = withFinding.filter((r) => r.finding === 'error').length
    const attacks = own.filter((result) => result.kind === 'attack')
    const withStep = falseAccepts.filter((result) => result.expected.step !== null)
    const falseAcceptSteps = withStep.map((result) => result.expected.step) as StepId[]
    const falseAcceptCodes = withStep.map((result) => result.expected.code ?? null)
    const exercisedAttacks = withFinding.filter((r) => r.result.kind === 'attack' && r.finding !== 'not-exercised' && r.finding !== 'error').length
    return {
      clientId,
      version: versions[clientId] ?? null,
      results: own.length,
      asExpected: own.filter((result) => result.asExpected).length,
      attacks: attacks.length,
      controls: own.length - attacks.length,
      falseAccepts: falseAccepts.length,
      acceptedUndetectable: withFinding.filter((r) => r.finding === 'accepted-undetectable').length,
      falseRejects: falseRejects.length,
      notExercised,
      unmapped: own.filter((result) => findingOf(result) !== 'error' && result.verdict === 'reject' && result.external !== undefined && !result.external.isMapped).length,
      errors,
      fallsFor: familiesOf(falseAcceptSteps, falseAcceptCodes),
      falseAcceptIds: falseAccepts.map((result) => result.scenarioId),
      falseRejectIds: falseRejects.map((result) => result.scenarioId),
      grade: gradeClient({ falseAcceptSteps, falseAcceptCodes, falseRejects: falseRejects.length, controls: own.length - attacks.length, exercisedAttacks }),
    }
  })
}

/**
 * Clients in run order: the lab's verifier first (the reference every other
 * client is read against), then the others as first seen (the store returns a
 * scenario's results by client id, so stored runs list them alphabetically).
 */
export function clientOrder(results: readonly Pick<ScenarioResult, 'clientId'>[], order: readonly string[] = []): string[] {
  const seen = [...new Set(results.map((result) => result.clientId))]
  // The run's own order (its options' `clients`) where known, then anything else as first seen.
  const ranked = [...order.filter((id) => seen.includes(id)), ...seen.filter((id) => !order.includes(id))]
  return ranked.includes(LAB_VERIFIER) ? [LAB_VERIFIER, ...ranked.filter((id) => id !== LAB_VERIFIER)] : ranked
}

/** The driver ids a run recorded in its options (`clients`), in the order they ran; [] when none. */
export function clientIdsOf(options: Readonly<Record<string, unknown>>): string[] {
  const clients = options['clients']
  return Array.isArray(clients) ? clients.filter((id): id is string => typeof id === 'string') : []
}

/**
 * The versions a run recorded (`mitmlab run --clients` keeps them in the run's
 * options as `clientVersions`), as a plain map; {} for runs that did not.
 */
export function clientVersionsOf(options: Readonly<Record<string, unknown>>): Record<string, string> {
  const recorded = options['clientVersions']
  if (typeof recorded !== 'object' || recorded === null) return {}
  return Object.fromEntries(Object.entries(recorded).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}

/**
 * The run's shape in (scenario, client) units, for the run list and the
 * summary lines: "4 scenarios × 7 clients, 26/28 as expected".
 */
export interface RunShape {
  scenarios: number
  clients: number
  results: number
  asExpected: number
}

export function runShapeOf(results: readonly Pick<ScenarioResult, 'scenarioId' | 'clientId' | 'asExpected'>[]): RunShape {
  return {
    scenarios: new Set(results.map((result) => result.scenarioId)).size,
    clients: new Set(results.map((result) => result.clientId)).size,
    results: results.length,
    asExpected: results.filter((result) => result.asExpected).length,
  }
}

export function describeRunShape(shape: RunShape): string {
  const scenarios = `${shape.scenarios} ${shape.scenarios === 1 ? 'scenario' : 'scenarios'}`
  const clients = `${shape.clients} ${shape.clients === 1 ? 'client' : 'clients'}`
  return `${scenarios} × ${clients}, ${shape.asExpected}/${shape.results} as expected`
}
