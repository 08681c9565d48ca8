import { STEP_IDS, type ResultDto, type ScenarioDto, type StepId, type StepResult } from '@contract'
import { matchesQuery, parseQuery, rowSearchText } from './search.js'
import { pairVerdict, type PairVerdict } from './pair-verdict.js'
import { LAB_CLIENT_ID, resultKey, type RunView } from './run-view.js'

/** n.a.: the step does not apply to this scenario; pending: its result has not arrived yet. */
export type CellStatus = 'pass' | 'fail' | 'skip' | 'na' | 'pending'

export interface MatrixCell {
  step: StepId
  status: CellStatus
  /** The first failing step: the one that caught the attack. */
  isCatching: boolean
  /** The step the scenario expects to catch it. */
  isExpected: boolean
  message: string | null
}

export type RowOutcome = 'caught' | 'accepted' | 'leaked' | 'not-exercised' | 'running' | 'waiting' | 'error'

export interface MatrixRow {
  scenario: ScenarioDto
  /** The client whose result this row shows. */
  clientId: string
  result: ResultDto | null
  verdict: PairVerdict
  cells: MatrixCell[]
  outcome: RowOutcome
  /** null until the result is committed. */
  leaked: boolean | null
  asExpected: boolean | null
}

export type OutcomeFilter = 'all' | 'caught' | 'accepted' | 'leaked' | 'not-exercised' | 'unexpected'
export type GroupBy = 'none' | 'tag' | 'outcome'

export interface MatrixFilters {
  tag: string | null
  outcome: OutcomeFilter
  /** Free text over id, title, tags, steps, codes, client and outcome (see model/search.ts). */
  query?: string
}

export interface MatrixGroup {
  key: string
  label: string
  rows: MatrixRow[]
}

const OUTCOME_LABELS: Record<RowOutcome, string> = {
  caught: 'Caught',
  accepted: 'Accepted',
  leaked: 'Credentials leaked',
  'not-exercised': 'Not exercised',
  running: 'Running',
  waiting: 'Waiting',
  error: 'Could not run',
}

export function buildMatrixRows(catalog: readonly ScenarioDto[], view: RunView, clientId: string = defaultClientId(view)): MatrixRow[] {
  return createMatrixRowBuilder()(catalog, view, clientId)
}

/** The client a scenario × step matrix shows when none is picked: the lab's own verifier when the run has it. */
export function defaultClientId(view: RunView): string {
  return view.clientIds.includes(LAB_CLIENT_ID) ? LAB_CLIENT_ID : (view.clientIds[0] ?? LAB_CLIENT_ID)
}

export function scenarioById(catalog: readonly ScenarioDto[], id: string): ScenarioDto {
  return catalog.find((scenario) => scenario.id === id) ?? unknownScenario(id)
}

/**
 * A row builder that keeps the previous row object when nothing it depends on
 * changed, so a batch that touches one scenario re-renders one row component
 * (Vue skips children whose props are identical), not the whole matrix.
 */
export function createMatrixRowBuilder(): (catalog: readonly ScenarioDto[], view: RunView, clientId: string) => MatrixRow[] {
  let cache = new Map<string, CachedRow>()
  let lastCatalog: readonly ScenarioDto[] = []
  let byId = new Map<string, ScenarioDto>()
  return (catalog, view, clientId) => {
    if (catalog !== lastCatalog) {
      lastCatalog = catalog
      byId = new Map(catalog.map((scenario) => [scenario.id, scenario]))
    }
    const next = new Map<string, CachedRow>()
    const rows = view.scenarioIds.map((id) => {
      const key = resultKey(id, clientId)
      const result = view.results.get(key) ?? null
      const inputs: RowInputs = {
        scenario: byId.get(id) ?? unknownScenario(id),
        clientId,
        result,
        liveSteps: view.liveSteps.get(key),
        isRunning: view.currentScenarioId === id && result === null,
      }
      const hit = cache.get(id)
      const cached = hit !== undefined && sameInputs(hit.inputs, inputs) ? hit : { inputs, row: buildRow(inputs) }
      next.set(id, cached)
      return cached.row
    })
    cache = next
    return rows
  }
}

interface RowInputs {
  scenario: ScenarioDto
  clientId: string
  result: ResultDto | null
  liveSteps: StepResult[] | undefined
  isRunning: boolean
}

interface CachedRow {
  inputs: RowInputs
  row: MatrixRow
}

function sameInputs(a: RowInputs, b: RowInputs): boolean {
  return a.scenario === b.scenario && a.clientId === b.clientId && a.result === b.result && a.liveSteps === b.liveSteps && a.isRunning === b.isRunning
}

function buildRow({ scenario, clientId, result, liveSteps, isRunning }: RowInputs): MatrixRow {
  const steps = result?.steps ?? liveSteps ?? []
  const verdict = pairVerdict(scenario, result, isRunning || liveSteps !== undefined)
  return {
    scenario,
    clientId,
    result,
    verdict,
    cells: buildCells(scenario, steps, result, result === null && (isRunning || steps.length > 0)),
    outcome: verdict === 'not-exercised' ? 'not-exercised' : outcomeOf(result, isRunning || liveSteps !== undefined),
    leaked: result?.leaked ?? null,
    asExpected: result?.asExpected ?? null,
  }
}

function buildCells(scenario: ScenarioDto, steps: readonly StepResult[], result: ResultDto | null, isLive: boolean): MatrixCell[] {
  const byStep = new Map(steps.map((step) => [step.step, step]))
  const catching = result?.catchingStep ?? null
  return STEP_IDS.map((step) => {
    const found = byStep.get(step)
    const status: CellStatus = found?.status ?? (result === null && isLive ? 'pending' : 'na')
    return { step, status, isCatching: catching === step, isExpected: scenario.expect.step === step, message: found?.message ?? null }
  })
}

function outcomeOf(result: ResultDto | null, isRunning: boolean): RowOutcome {
  if (result === null) return isRunning ? 'running' : 'waiting'
  if (result.error !== null) return 'error'
  if (result.leaked) return 'leaked'
  return result.verdict === 'reject' ? 'caught' : 'accepted'
}

export function filterRows(rows: readonly MatrixRow[], filters: MatrixFilters): MatrixRow[] {
  const query = parseQuery(filters.query ?? '')
  return rows.filter((row) => {
    if (filters.tag !== null && !row.scenario.tags.includes(filters.tag)) return false
    if (!matchesQuery(query, rowSearchText(row))) return false
    switch (filters.outcome) {
      case 'all':
        return true
      case 'unexpected':
        return row.asExpected === false
      case 'leaked':
        return row.leaked === true
      default:
        return row.outcome === filters.outcome
    }
  })
}

/** Grouping by tag lists a scenario under each of its tags, so every group is complete. */
export function groupRows(rows: readonly MatrixRow[], groupBy: GroupBy): MatrixGroup[] {
  if (groupBy === 'none') return [{ key: 'all', label: 'All scenarios', rows: [...rows] }]
  const groups = new Map<string, MatrixRow[]>()
  for (const row of rows) {
    const keys = groupBy === 'tag' ? (row.scenario.tags.length > 0 ? row.scenario.tags : ['untagged']) : [row.outcome]
    for (const key of keys) groups.set(key, [...(groups.get(key) ?? []), row])
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, groupRowsList]) => ({
      key,
      label: groupBy === 'tag' ? `#${key}` : OUTCOME_LABELS[key as RowOutcome],
      rows: groupRowsList,
    }))
}

export function allTags(catalog: readonly ScenarioDto[]): string[] {
  return [...new Set(catalog.flatMap((scenario) => scenario.tags))].sort()
}

function unknownScenario(id: string): ScenarioDto {
  return { id, title: id, explanation: '', references: [], tags: [], kind: 'attack', expect: { verdict: 'reject', step: null } }
}
