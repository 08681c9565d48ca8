import type { ScenarioResult } from '../lab/scenario-result.js'
import { LAB_VERIFIER } from './client-summary.js'
import { findingOf } from './run-report.js'

/**
 * What makes `mitmlab run` exit 1, for CI gates:
 * unexpected — any result differs from its scenario's expectation (the lab's own check, default);
 * accepted-attack — a judged client accepted an attack a check can catch (a false accept), or could not be run;
 * never — always 0 once the run completed.
 */
export const FAIL_ON = ['unexpected', 'accepted-attack', 'never'] as const
export type FailOn = (typeof FAIL_ON)[number]

/**
 * The gate a run was judged by, kept in the run's options (`gate`) so a
 * report written later (`mitmlab report RUN`) says what the exit code said.
 */
export interface GatePolicy {
  failOn: FailOn
  /**
   * The clients whose results can fail the gate. With accepted-attack: the
   * clients the user named (`--clients`, `--client`), and the lab's own
   * verifier only when named too (`--clients lab,curl`) or when no other
   * client ran (then it is the client under test). 'all' for unexpected.
   */
  judged: string[] | 'all'
}

/** The lab's verifier, as `--clients` spells it. */
export const LAB_CLIENT_NAMES = ['lab', LAB_VERIFIER] as const

/** The policy for a run from its flags: `failOn` and the driver ids that ran, and whether the lab was named. */
export function gatePolicyFor(failOn: FailOn, driverIds: readonly string[], isLabNamed: boolean): GatePolicy {
  if (failOn === 'unexpected') return { failOn, judged: 'all' }
  const judged = driverIds.length === 0 || isLabNamed ? [LAB_VERIFIER, ...driverIds] : [...driverIds]
  return { failOn, judged }
}

/** The policy stored with a run; runs from before issue 18 (or the dashboard) were judged as `unexpected`. */
export function gatePolicyOf(options: Readonly<Record<string, unknown>>): GatePolicy {
  const gate = options['gate'] as Partial<GatePolicy> | undefined
  const failOn = (FAIL_ON as readonly unknown[]).includes(gate?.failOn) ? (gate?.failOn as FailOn) : 'unexpected'
  const judged = Array.isArray(gate?.judged) ? gate.judged.filter((id): id is string => typeof id === 'string') : 'all'
  return { failOn, judged }
}

export function isJudged(policy: GatePolicy, clientId: string): boolean {
  return policy.judged === 'all' || policy.judged.includes(clientId)
}

/**
 * The results that fail the gate. With `never`, the ones accepted-attack would
 * name (reported, never failing the build).
 */
export function gateFailures(results: readonly ScenarioResult[], policy: GatePolicy): ScenarioResult[] {
  const judged = results.filter((result) => isJudged(policy, result.clientId))
  if (policy.failOn === 'unexpected') return judged.filter((result) => !result.asExpected)
  // A judged client that could not be run was not shown to be safe: the gate does not pass it silently.
  return judged.filter((result) => ['accepted-attack', 'error'].includes(findingOf(result)))
}

export interface GateVerdict {
  policy: GatePolicy
  failures: ScenarioResult[]
  /** What the exit code says: 1 when false, 0 when true. */
  isPassed: boolean
  /** One line for the terminal, the Markdown heading and the JUnit properties. */
  summary: string
}

export function gateVerdict(results: readonly ScenarioResult[], policy: GatePolicy): GateVerdict {
  const failures = gateFailures(results, policy)
  const isPassed = policy.failOn === 'never' || failures.length === 0
  const who = policy.judged === 'all' ? 'every client' : policy.judged.join(', ')
  const what =
    policy.failOn === 'unexpected'
      ? `${failures.length} unexpected result(s)`
      : `${failures.filter((r) => r.error === null).length} attack(s) accepted that a check catches` +
        (failures.some((r) => r.error !== null) ? `, ${failures.filter((r) => r.error !== null).length} result(s) that could not be run` : '')
  const names = failures.slice(0, 5).map((r) => `${r.scenarioId} (${r.clientId})`).join(', ')
  const more = failures.length > 5 ? ` and ${failures.length - 5} more` : ''
  return {
    policy,
    failures,
    isPassed,
    summary: `gate --fail-on ${policy.failOn} judging ${who}: ${isPassed ? 'passed' : 'FAILED'}, ${what}${failures.length > 0 ? `: ${names}${more}` : ''}`,
  }
}
