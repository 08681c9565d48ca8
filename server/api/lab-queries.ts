import { gunzipSync } from 'node:zlib'
import type { LabStore } from '../store/lab-store.js'
import type { Ack, LabInfoDto, RunDetailDto, RunDto, SnapshotDto } from './contract.js'
import type { LiveRunTracker } from './live-run-tracker.js'
import { finishedRunView, serializeRunDetail } from './run-view.js'
import { withShapes } from './run-shapes.js'

/** UTF-8 JSON, gzipped (RFC 1952) or not. */
export interface RunBody {
  bytes: Buffer
  gzipped: boolean
}

/** The read side shared by REST and the socket, so both answer with the same DTOs. */
export interface LabQueries {
  lab(): LabInfoDto
  runs(limit?: number): RunDto[]
  run(runId: string): Ack<RunDetailDto>
  /** The same run serialized, for REST: a finished run's is read as stored (gzipped), not rebuilt. */
  runBody(runId: string): Ack<RunBody>
  snapshot(): SnapshotDto
}

export const DEFAULT_RUNS_LIMIT = 100

export function createLabQueries(store: LabStore, lab: LabInfoDto, tracker: LiveRunTracker): LabQueries {
  /**
   * The run as RunDetailDto JSON: a finished run's view as kept in the store
   * (gzipped, sent as it is to clients that accept gzip), a running run's
   * built each time, since more results are still coming.
   */
  const runBody = (runId: string): Ack<RunBody> => {
    const row = store.getRun(runId)
    if (row === null) return { ok: false, code: 'NOT_FOUND', message: `No run "${runId}"` }
    const isLive = tracker.runId === runId
    if (row.status === 'running' || isLive) {
      return { ok: true, value: { bytes: serializeRunDetail(store, row, isLive ? tracker.liveSteps : []), gzipped: false } }
    }
    return { ok: true, value: { bytes: finishedRunView(store, row), gzipped: true } }
  }
  const run = (runId: string): Ack<RunDetailDto> => {
    const body = runBody(runId)
    if (!body.ok) return body
    const json = body.value.gzipped ? gunzipSync(body.value.bytes) : body.value.bytes
    return { ok: true, value: JSON.parse(json.toString('utf8')) as RunDetailDto }
  }
  return {
    lab: () => lab,
    runs: (limit = DEFAULT_RUNS_LIMIT) => withShapes(store, store.listRuns(limit)),
    run,
    runBody,
    snapshot: () => {
      const openRunId = tracker.runId
      const open = openRunId === null ? null : run(openRunId)
      return {
        lab,
        runs: withShapes(store, store.listRuns(DEFAULT_RUNS_LIMIT)),
        openRun: open !== null && open.ok ? open.value : null,
        serverTime: new Date().toISOString(),
      }
    },
  }
}
