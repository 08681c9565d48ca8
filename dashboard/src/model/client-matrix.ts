import type { ResultDto, ScenarioDto } from '@contract'
import { isWrongAnswer, pairVerdict, type PairVerdict } from './pair-verdict.js'
import { resultKey, type RunView } from './run-view.js'
import { matchesQuery, pairSearchParts, parseQuery } from './search.js'

/** One cell of the scenario × client matrix. */
export interface ClientCell {
  clientId: string
  result: ResultDto | null
  verdict: PairVerdict
}

export interface ClientMatrixRow {
  scenario: ScenarioDto
  cells: ClientCell[]
  /** Some client gave a wrong answer (accepted an attack, refused a control). */
  hasWrongAnswer: boolean
}

/** The scenario × client matrix of one run, in play order. */
export function buildClientMatrix(catalog: readonly ScenarioDto[], view: RunView): ClientMatrixRow[] {
  const byId = new Map(catalog.map((scenario) => [scenario.id, scenario]))
  return view.scenarioIds.map((id) => {
    const scenario = byId.get(id) ?? { id, title: id, explanation: '', references: [], tags: [], kind: 'attack', expect: { verdict: 'reject', step: null } }
    const cells = view.clientIds.map((clientId) => {
      const key = resultKey(id, clientId)
      const result = view.results.get(key) ?? null
      const isRunning = result === null && (view.liveSteps.has(key) || view.currentScenarioId === id)
      return { clientId, result, verdict: pairVerdict(scenario, result, isRunning) }
    })
    return { scenario, cells, hasWrongAnswer: cells.some((cell) => isWrongAnswer(cell.verdict)) }
  })
}

/** The search box and tag filter over the client matrix: a row matches when the scenario or any of its client cells does. */
export function filterClientRows(rows: readonly ClientMatrixRow[], filters: { tag: string | null; query: string; wrongOnly: boolean }): ClientMatrixRow[] {
  const terms = parseQuery(filters.query)
  return rows.filter((row) => {
    if (filters.tag !== null && !row.scenario.tags.includes(filters.tag)) return false
    if (filters.wrongOnly && !row.hasWrongAnswer) return false
    if (terms.length === 0) return true
    return row.cells.some((cell) => matchesQuery(terms, pairSearchParts(row.scenario, cell.clientId, cell.result, cell.verdict).join(' ').toLowerCase()))
  })
}
