import type { LabDelta, ResultDto, RunDetailDto, RunDto, StepResult } from '@contract'

/** One run as the page shows it: committed results plus the steps of the scenario in flight. */
export interface RunView {
  run: RunDto
  /** Scenario ids in play order. */
  scenarioIds: string[]
  results: ReadonlyMap<string, ResultDto>
  liveSteps: ReadonlyMap<string, StepResult[]>
  /** The scenario whose client is connecting right now. */
  currentScenarioId: string | null
  /** Connections the proxy closed, counted live. */
  connectionCount: number
}

export function runViewFromDetail(detail: RunDetailDto): RunView {
  const liveSteps = new Map<string, StepResult[]>()
  for (const live of detail.liveSteps) liveSteps.set(live.scenarioId, [...(liveSteps.get(live.scenarioId) ?? []), live.step])
  const results = new Map(detail.results.map((result) => [result.scenarioId, result]))
  return {
    run: detail.run,
    scenarioIds: scenarioIdsOf(detail.run, detail.results.map((r) => r.scenarioId)),
    results,
    liveSteps,
    currentScenarioId: detail.run.status === 'running' ? ([...liveSteps.keys()].at(-1) ?? null) : null,
    connectionCount: detail.results.reduce((sum, r) => sum + r.connections.length, 0),
  }
}

export function emptyRunView(run: RunDto, scenarioIds: string[]): RunView {
  return { run, scenarioIds, results: new Map(), liveSteps: new Map(), currentScenarioId: null, connectionCount: 0 }
}

/** The runner records the selected scenario ids in the run's options (scenarios/runner.ts). */
function scenarioIdsOf(run: RunDto, fallback: string[]): string[] {
  const listed = run.options['scenarios']
  return Array.isArray(listed) && listed.every((id) => typeof id === 'string') ? [...listed] : fallback
}

/**
 * Applies one ordered batch of deltas to the run views, copying each touched
 * view once per batch (not once per delta): 10,000 deltas cost one reactive
 * update, not 10,000.
 */
export function applyDeltas(views: ReadonlyMap<string, RunView>, batch: readonly LabDelta[]): Map<string, RunView> {
  const next = new Map(views)
  const drafts = new Map<string, Draft>()
  const draftOf = (runId: string): Draft | null => {
    const existing = drafts.get(runId)
    if (existing !== undefined) return existing
    const view = next.get(runId)
    if (view === undefined) return null
    const draft: Draft = { ...view, results: new Map(view.results), liveSteps: new Map(view.liveSteps) }
    drafts.set(runId, draft)
    return draft
  }
  for (const delta of batch) {
    switch (delta.type) {
      case 'run:started':
        drafts.delete(delta.run.id)
        next.set(delta.run.id, emptyRunView(delta.run, delta.scenarioIds))
        break
      case 'scenario:started': {
        const draft = draftOf(delta.runId)
        if (draft === null) break
        draft.currentScenarioId = delta.scenarioId
        draft.liveSteps.set(delta.scenarioId, [])
        break
      }
      case 'step:result': {
        const draft = draftOf(delta.runId)
        if (draft === null) break
        const steps = (draft.liveSteps.get(delta.scenarioId) ?? []).filter((s) => s.step !== delta.step.step)
        draft.liveSteps.set(delta.scenarioId, [...steps, delta.step])
        break
      }
      case 'connection:closed': {
        const draft = delta.runId === null ? null : draftOf(delta.runId)
        if (draft !== null) draft.connectionCount += 1
        break
      }
      case 'scenario:finished': {
        const draft = draftOf(delta.result.runId)
        if (draft === null) break
        draft.results.set(delta.result.scenarioId, delta.result)
        draft.liveSteps.delete(delta.result.scenarioId)
        if (!draft.scenarioIds.includes(delta.result.scenarioId)) draft.scenarioIds = [...draft.scenarioIds, delta.result.scenarioId]
        if (draft.currentScenarioId === delta.result.scenarioId) draft.currentScenarioId = null
        break
      }
      case 'run:finished': {
        const draft = draftOf(delta.run.id)
        if (draft === null) break
        draft.run = delta.run
        draft.currentScenarioId = null
        // A scenario cut off by the end of its run never commits: stop showing it as in flight.
        draft.liveSteps.clear()
        break
      }
    }
  }
  for (const [runId, draft] of drafts) next.set(runId, draft)
  return next
}

type Draft = Omit<RunView, 'results' | 'liveSteps'> & { results: Map<string, ResultDto>; liveSteps: Map<string, StepResult[]> }

/** The runs list after a batch: started and finished runs replace their row, newest first. */
export function applyDeltasToRuns(runs: readonly RunDto[], batch: readonly LabDelta[]): RunDto[] {
  let next = [...runs]
  for (const delta of batch) {
    if (delta.type !== 'run:started' && delta.type !== 'run:finished') continue
    next = [delta.run, ...next.filter((run) => run.id !== delta.run.id)]
  }
  return next.sort((a, b) => b.startedAt.localeCompare(a.startedAt))
}
