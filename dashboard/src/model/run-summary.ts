import type { RunDto } from '@contract'
import type { RunView } from './run-view.js'

export interface RunSummary {
  run: RunDto
  done: number
  total: number
  caught: number
  leaked: number
  unexpected: number
}

/** Counts from the store, or, while a run is in memory, from its live results (the stored counts lag until it ends). */
export function summarizeRun(run: RunDto, view: RunView | undefined): RunSummary {
  if (view === undefined || view.results.size <= run.resultCount) {
    return { run, done: run.resultCount, total: run.scenarioCount, caught: run.caughtCount, leaked: run.leakedCount, unexpected: run.unexpectedCount }
  }
  const results = [...view.results.values()]
  return {
    run,
    done: results.length,
    total: Math.max(run.scenarioCount, view.scenarioIds.length),
    caught: results.filter((r) => r.kind === 'attack' && r.verdict === 'reject').length,
    leaked: results.filter((r) => r.leaked).length,
    unexpected: results.filter((r) => !r.asExpected).length,
  }
}
