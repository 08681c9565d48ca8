import type { LabDelta, ResultDto, RunDetailDto, RunDto, StepResult } from '@contract'

/** The lab's own instrumented victim: the client every run has, shown first. */
export const LAB_CLIENT_ID = 'lab-verifier'

/**
 * One (scenario, client) pair: the unit a run is made of (issue 18). A run with
 * six clients has six results per scenario; keying by scenario alone kept only
 * the last client's.
 */
export function resultKey(scenarioId: string, clientId: string): string {
  return `${scenarioId}\u0000${clientId}`
}

/** One run as the page shows it: committed results plus the steps of the pairs in flight. */
export interface RunView {
  run: RunDto
  /** Scenario ids in play order. */
  scenarioIds: string[]
  /** Client ids in play order: the lab's verifier first, then the real clients the run named, then any other seen. */
  clientIds: string[]
  /** By resultKey(scenarioId, clientId). */
  results: ReadonlyMap<string, ResultDto>
  /** By resultKey(scenarioId, clientId). */
  liveSteps: ReadonlyMap<string, StepResult[]>
  /** The scenario whose clients are connecting right now. */
  currentScenarioId: string | null
  /** Connections the proxy closed, counted live. */
  connectionCount: number
}

export function runViewFromDetail(detail: RunDetailDto): RunView {
  const liveSteps = new Map<string, StepResult[]>()
  for (const live of detail.liveSteps) {
    const key = resultKey(live.scenarioId, live.clientId)
    liveSteps.set(key, [...(liveSteps.get(key) ?? []), live.step])
  }
  const results = new Map(detail.results.map((result) => [resultKey(result.scenarioId, result.clientId), result]))
  return {
    run: detail.run,
    scenarioIds: scenarioIdsOf(detail.run, detail.results.map((r) => r.scenarioId)),
    clientIds: clientIdsOf(detail.run, [...detail.results.map((r) => r.clientId), ...detail.liveSteps.map((l) => l.clientId)]),
    results,
    liveSteps,
    currentScenarioId: detail.run.status === 'running' ? (detail.liveSteps.at(-1)?.scenarioId ?? null) : null,
    connectionCount: detail.results.reduce((sum, r) => sum + r.connections.length, 0),
  }
}

export function emptyRunView(run: RunDto, scenarioIds: string[]): RunView {
  return { run, scenarioIds, clientIds: clientIdsOf(run, []), results: new Map(), liveSteps: new Map(), currentScenarioId: null, connectionCount: 0 }
}

/** The result of one pair, or null while it has not committed. */
export function resultFor(view: RunView, scenarioId: string, clientId: string): ResultDto | null {
  return view.results.get(resultKey(scenarioId, clientId)) ?? null
}

/** The runner records the selected scenario ids in the run's options (scenarios/runner.ts). */
function scenarioIdsOf(run: RunDto, fallback: string[]): string[] {
  const listed = run.options['scenarios']
  return Array.isArray(listed) && listed.every((id) => typeof id === 'string') ? [...listed] : unique(fallback)
}

/**
 * The run's clients: the CLI records the real clients it drove in `options.clients`
 * (the lab's verifier always runs first and is not listed); a run-level `clients`
 * list on the run row, when the server sends one, is used as is.
 */
export function clientIdsOf(run: RunDto, seen: readonly string[]): string[] {
  const fromRow = (run as RunDto & { clients?: unknown }).clients
  const rowIds = Array.isArray(fromRow) ? fromRow.map((c: unknown) => (typeof c === 'string' ? c : typeof c === 'object' && c !== null && 'id' in c ? String((c as { id: unknown }).id) : null)) : []
  const listed = run.options['clients']
  const optionIds = Array.isArray(listed) ? listed.filter((id): id is string => typeof id === 'string') : []
  // A self-test visit of the open lab (server/open/) has its visitor as only client: no lab verifier ran.
  const labVerifier = run.trigger === 'open-lab' ? [] : [LAB_CLIENT_ID]
  return unique([...labVerifier, ...rowIds.filter((id): id is string => id !== null), ...optionIds, ...seen])
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)]
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
  const noteClient = (draft: Draft, clientId: string): void => {
    if (!draft.clientIds.includes(clientId)) draft.clientIds = [...draft.clientIds, clientId]
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
        break
      }
      case 'step:result': {
        const draft = draftOf(delta.runId)
        if (draft === null) break
        noteClient(draft, delta.clientId)
        const key = resultKey(delta.scenarioId, delta.clientId)
        const steps = (draft.liveSteps.get(key) ?? []).filter((s) => s.step !== delta.step.step)
        draft.liveSteps.set(key, [...steps, delta.step])
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
        const key = resultKey(delta.result.scenarioId, delta.result.clientId)
        noteClient(draft, delta.result.clientId)
        draft.results.set(key, delta.result)
        draft.liveSteps.delete(key)
        if (!draft.scenarioIds.includes(delta.result.scenarioId)) draft.scenarioIds = [...draft.scenarioIds, delta.result.scenarioId]
        break
      }
      case 'run:finished': {
        const draft = draftOf(delta.run.id)
        if (draft === null) break
        draft.run = delta.run
        draft.currentScenarioId = null
        // A pair cut off by the end of its run never commits: stop showing it as in flight.
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
