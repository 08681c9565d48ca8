import type { RunDto, ScenarioDto } from '@contract'
import { clientIdsOf, type RunView } from './run-view.js'

export interface RunSummary {
  run: RunDto
  /** Results committed, out of scenarios × clients. */
  done: number
  total: number
  scenarioCount: number
  clientCount: number
  caught: number
  leaked: number
  unexpected: number
  /** The titles of the run's scenarios (the first few), for the run list. */
  scenarioNames: string[]
}

/** How many scenario names a run list entry spells out before "+N more". */
export const NAMED_SCENARIOS = 3

/**
 * Counts per (scenario, client) result: a run of 4 scenarios with 6 clients is
 * 24 results, never "24/4 scenarios". From the store, or, while a run is in
 * memory, from its live results (the stored counts lag until it ends).
 */
export function summarizeRun(run: RunDto, view: RunView | undefined, catalog: readonly ScenarioDto[] = []): RunSummary {
  const scenarioIds = view?.scenarioIds ?? listedScenarios(run)
  const clientCount = Math.max(1, view?.clientIds.length ?? clientIdsOf(run, []).length)
  const scenarioCount = Math.max(run.scenarioCount, scenarioIds.length)
  const titles = new Map(catalog.map((s) => [s.id, s.title]))
  const scenarioNames = scenarioIds.slice(0, NAMED_SCENARIOS).map((id) => titles.get(id) ?? id)
  const base = { run, scenarioCount, clientCount, total: scenarioCount * clientCount, scenarioNames }
  if (view === undefined || view.results.size <= run.resultCount) {
    return { ...base, done: run.resultCount, caught: run.caughtCount, leaked: run.leakedCount, unexpected: run.unexpectedCount }
  }
  const results = [...view.results.values()]
  return {
    ...base,
    done: results.length,
    caught: results.filter((r) => r.kind === 'attack' && r.verdict === 'reject').length,
    leaked: results.filter((r) => r.leaked).length,
    unexpected: results.filter((r) => !r.asExpected).length,
  }
}

function listedScenarios(run: RunDto): string[] {
  const listed = run.options['scenarios']
  return Array.isArray(listed) ? listed.filter((id): id is string => typeof id === 'string') : []
}
