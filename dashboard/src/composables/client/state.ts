import type { LabDelta, LabInfoDto, RunDto, SnapshotDto } from '@contract'
import { shallowRef } from 'vue'
import { applyDeltas, applyDeltasToRuns, runViewFromDetail, type RunView } from '../../model/run-view.js'
import { createDeltaQueue } from './delta-queue.js'
import type { LabClient } from './lab-client.js'

/**
 * The page's lab state: module-level singletons (style guide §22). Only the
 * functions in this file write them; components read.
 */
export const labInfo = shallowRef<LabInfoDto | null>(null)
export const runs = shallowRef<RunDto[]>([])
export const runViews = shallowRef<ReadonlyMap<string, RunView>>(new Map())
export const activeClient = shallowRef<LabClient | null>(null)
/** The last error an action reported, shown in the header until the next action. */
export const lastError = shallowRef<string | null>(null)
/** Runs the lab could not give us (an unknown id in the URL), with its sentence: the page says so instead of showing another run. */
export const runLoadErrors = shallowRef<ReadonlyMap<string, string>>(new Map())
/** The snapshot itself failed (a replay of an unknown run): nothing to show but the reason. */
export const snapshotError = shallowRef<string | null>(null)

const queue = createDeltaQueue(applyBatch)

export function applyBatch(batch: LabDelta[]): void {
  runs.value = applyDeltasToRuns(runs.value, batch)
  runViews.value = applyDeltas(runViews.value, batch)
}

export function applySnapshot(snapshot: SnapshotDto): void {
  labInfo.value = snapshot.lab
  runs.value = snapshot.runs
  const views = new Map(runViews.value)
  // Views of runs that ended while we were away are stale: drop them so they are fetched again.
  for (const [runId, view] of views) {
    const listed = snapshot.runs.find((run) => run.id === runId)
    if (listed === undefined || listed.status !== view.run.status || listed.resultCount !== view.results.size) views.delete(runId)
  }
  if (snapshot.openRun !== null) views.set(snapshot.openRun.run.id, runViewFromDetail(snapshot.openRun))
  runViews.value = views
}

/** Connects the page to a lab: a snapshot on every (re)connect, then batched deltas. */
export function connectLab(client: LabClient): () => void {
  activeClient.value?.close()
  activeClient.value = client
  let isSyncing = false
  let buffered: LabDelta[] = []
  const offDeltas = client.onDeltas((batch) => {
    if (isSyncing) buffered.push(...batch)
    else queue.push(batch)
  })
  const offConnect = client.onConnect(() => {
    isSyncing = true
    queue.flush()
    client
      .snapshot()
      .then((snapshot) => {
        applySnapshot(snapshot)
        lastError.value = null
        snapshotError.value = null
      })
      .catch((error: unknown) => (snapshotError.value = (error as Error).message))
      .finally(() => {
        isSyncing = false
        queue.push(buffered)
        buffered = []
      })
  })
  return () => {
    offDeltas()
    offConnect()
    client.close()
  }
}

/** Loads a run not in memory yet (a past run picked from the list, or a shared link). */
const loading = new Set<string>()

export async function loadRun(runId: string): Promise<void> {
  const client = activeClient.value
  if (client === null || runViews.value.has(runId) || loading.has(runId) || runLoadErrors.value.has(runId)) return
  loading.add(runId)
  try {
    const detail = await client.getRun(runId)
    const views = new Map(runViews.value)
    if (!views.has(runId)) views.set(runId, runViewFromDetail(detail))
    runViews.value = views
    if (runLoadErrors.value.has(runId)) {
      const errors = new Map(runLoadErrors.value)
      errors.delete(runId)
      runLoadErrors.value = errors
    }
  } catch (error) {
    runLoadErrors.value = new Map([...runLoadErrors.value, [runId, (error as Error).message]])
  } finally {
    loading.delete(runId)
  }
}

export async function startRun(scenarioIds?: string[]): Promise<string | null> {
  const client = activeClient.value
  if (client === null) return null
  const ack = await client.startRun(scenarioIds === undefined ? {} : { scenarioIds })
  lastError.value = ack.ok ? null : ack.message
  return ack.ok ? ack.value.runId : null
}

export async function cancelRun(runId: string): Promise<void> {
  const client = activeClient.value
  if (client === null) return
  const ack = await client.cancelRun(runId)
  lastError.value = ack.ok ? null : ack.message
}
