import type { LabPki } from '../../ca/index.js'
import { scenarios as registry } from '../../scenarios/index.js'
import { LabError } from '../errors.js'
import type { ScenarioResult } from '../lab/scenario-result.js'
import type { LabStore, RunRow } from '../store/lab-store.js'
import type { CertSummary } from '../verifier/types.js'
import { parseCertificate, summarizeCertificate } from '../x509/index.js'

/** What a scenario says about itself, for the reader of a report. */
export interface ScenarioInfo {
  id: string
  title: string
  explanation: string
  references: string[]
  tags: string[]
}

/** Everything every report format needs: the run, its results, and what each scenario is about. */
export interface RunReport {
  run: RunRow
  results: ScenarioResult[]
  scenarios: Record<string, ScenarioInfo>
  /** The genuine chain, to set next to what each client was shown. */
  genuineChain: CertSummary[]
  generatedAt: string
}

/**
 * Loads a run from the store ('latest' or an id, or an unambiguous id prefix).
 * Scenarios no longer in the registry keep their id as title: a report never
 * fails because the catalog moved on.
 */
export function loadRunReport(store: LabStore, runRef: string, pki: LabPki | null, now: Date = new Date()): RunReport {
  const run = findRun(store, runRef)
  const results = store.getResults(run.id)
  const scenarios: Record<string, ScenarioInfo> = {}
  for (const result of results) {
    const known = registry.find((scenario) => scenario.id === result.scenarioId)
    scenarios[result.scenarioId] = known
      ? { id: known.id, title: known.title, explanation: known.explanation, references: known.references, tags: known.tags }
      : { id: result.scenarioId, title: result.scenarioId, explanation: '', references: [], tags: [] }
  }
  const genuineChain = pki === null ? [] : [pki.genuineLeaf.der, pki.trustedIntermediate.der].flatMap(summarize)
  return { run, results, scenarios, genuineChain, generatedAt: now.toISOString() }
}

export function findRun(store: LabStore, runRef: string): RunRow {
  const runs = store.listRuns(1_000_000)
  if (runRef === 'latest') {
    const latest = runs[0]
    if (latest === undefined) throw new LabError('API_INVALID_INPUT', `The store ${store.file} holds no run yet; run \`mitmlab run\` first`)
    return latest
  }
  const matches = runs.filter((run) => run.id === runRef || run.id.startsWith(runRef))
  const exact = matches.find((run) => run.id === runRef)
  if (exact !== undefined) return exact
  if (matches.length === 1 && matches[0] !== undefined) return matches[0]
  throw new LabError(
    'API_INVALID_INPUT',
    matches.length === 0 ? `No run "${runRef}" in ${store.file}` : `"${runRef}" matches ${matches.length} runs; give more of the id`,
  )
}

function summarize(der: Buffer): CertSummary[] {
  const parsed = parseCertificate(der)
  return parsed.ok ? [summarizeCertificate(parsed.value)] : []
}

/** How a client's behaviour reads for a CI gate. */
export type Finding = 'accepted-attack' | 'accepted-undetectable' | 'rejected-control' | 'not-exercised' | 'error' | 'ok'

/**
 * accepted-attack: a false accept — the client accepted an attack a check can
 * catch (the scenario expects a reject): it is vulnerable.
 * accepted-undetectable: the client accepted an attack that no step catches
 * (an installed interception CA, sslstrip on a first visit): the lesson of the
 * scenario, not a fault of the client, so no gate fails on it.
 * rejected-control: a false reject. not-exercised: the client never met the
 * attack (it went straight to https:// in an sslstrip scenario): not judged.
 * error: the scenario could not be run.
 */
export function findingOf(result: ScenarioResult): Finding {
  if (result.error !== null) return 'error'
  if (result.external?.notExercised !== undefined) return 'not-exercised'
  if (result.kind === 'attack' && result.verdict === 'accept') {
    return result.expected.verdict === 'reject' ? 'accepted-attack' : 'accepted-undetectable'
  }
  if (result.kind === 'control' && result.verdict === 'reject') return 'rejected-control'
  return 'ok'
}
