import type { LabStore } from '../store/lab-store.js'
import type { LabDelta } from './contract.js'
import { toResultDto, toRunDto } from './dto.js'

/** How often the store is read for runs written by other processes (`npm run lab` in another terminal). */
export const STORE_POLL_INTERVAL_MS = 1000
/** Only the newest runs are watched: an old run does not change any more. */
const WATCHED_RUNS = 20

export interface WatchStoreParams {
  store: LabStore
  /** Runs this process publishes on its own bus: already pushed live, step by step. */
  isOwnRun: (runId: string) => boolean
  publish: (delta: LabDelta) => void
  intervalMs?: number
  onError?: (error: unknown) => void
}

/**
 * Pushes runs that another process records in the same SQLite file (WAL lets
 * us read while it writes): run:started, each committed result, run:finished.
 * Their steps arrive with their committed result, not one by one: only the
 * writing process sees them live.
 */
export function watchStore(params: WatchStoreParams): () => void {
  const { store } = params
  // Where each run's results were last read up to: a row id, not a count, since a parallel run commits out of catalog order.
  const known = new Map(
    store.listRuns(WATCHED_RUNS).map((run) => [
      run.id,
      { status: run.status, resultCount: run.resultCount, lastResultId: run.status === 'running' ? store.lastResultId(run.id) : 0 },
    ]),
  )
  let seenVersion = store.dataVersion()
  const tick = (): void => {
    try {
      // Nothing committed by another connection since the last look: nothing to read (issue 17: listing
      // runs every second cost an idle dashboard 15 % of a core on a store of 500 runs).
      const version = store.dataVersion()
      if (version === seenVersion) return
      seenVersion = version
      for (const run of store.listRuns(WATCHED_RUNS).reverse()) {
        if (params.isOwnRun(run.id)) continue
        const before = known.get(run.id)
        if (before !== undefined && before.status === run.status && before.resultCount === run.resultCount) continue
        const sentAt = Date.now()
        if (before === undefined) {
          const listed = run.options['scenarios']
          const scenarioIds = Array.isArray(listed) ? listed.map(String) : []
          params.publish({ type: 'run:started', sentAt, run: { ...toRunDto(run), status: 'running', finishedAt: null }, scenarioIds })
        }
        let lastResultId = before?.lastResultId ?? 0
        if (run.resultCount > (before?.resultCount ?? 0)) {
          // Only the new ones: re-reading the whole run on each commit would cost O(results²) over a run.
          const read = store.getResultsAfter(run.id, lastResultId)
          for (const result of read.results) params.publish({ type: 'scenario:finished', sentAt, result: toResultDto(result) })
          lastResultId = read.lastResultId
        }
        if (run.status !== 'running') params.publish({ type: 'run:finished', sentAt, run: toRunDto(run) })
        known.set(run.id, { status: run.status, resultCount: run.resultCount, lastResultId })
      }
    } catch (error) {
      params.onError?.(error)
    }
  }
  const timer = setInterval(tick, params.intervalMs ?? STORE_POLL_INTERVAL_MS)
  timer.unref()
  return () => clearInterval(timer)
}
