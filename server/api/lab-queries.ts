import { constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib'
import type { LabStore } from '../store/lab-store.js'
import type { Ack, LabInfoDto, RunDetailDto, RunDto, SnapshotDto } from './contract.js'
import { toResultDto, toRunDto } from './dto.js'
import type { LiveRunTracker } from './live-run-tracker.js'

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

/**
 * Bump when toResultDto's output changes shape: views stored with an older
 * version are rebuilt on their first read.
 */
export const RESULT_VIEW_VERSION = 1

export function createLabQueries(store: LabStore, lab: LabInfoDto, tracker: LiveRunTracker): LabQueries {
  /**
   * The run as RunDetailDto JSON. A finished run's is built once, gzipped and
   * kept in the store (issue 17 item 10: rebuilding ~3 MB per GET took
   * 100-300 ms), and sent as it is to clients that accept gzip; a running run's
   * is built each time, since more results are still coming.
   */
  const runBody = (runId: string): Ack<RunBody> => {
    const row = store.getRun(runId)
    if (row === null) return { ok: false, code: 'NOT_FOUND', message: `No run "${runId}"` }
    const isLive = tracker.runId === runId
    const build = (): Buffer =>
      Buffer.from(JSON.stringify({ run: toRunDto(row), results: store.getResults(runId).map(toResultDto), liveSteps: isLive ? tracker.liveSteps : [] }))
    if (row.status === 'running' || isLive) return { ok: true, value: { bytes: build(), gzipped: false } }
    const stored = store.getRunView(runId, RESULT_VIEW_VERSION)
    if (stored !== null) return { ok: true, value: { bytes: stored, gzipped: true } }
    // Fastest level: JSON this repetitive still shrinks ~10x, and a run is built once.
    const gzipped = gzipSync(build(), { level: zlibConstants.Z_BEST_SPEED })
    store.putRunView(runId, RESULT_VIEW_VERSION, gzipped)
    return { ok: true, value: { bytes: gzipped, gzipped: true } }
  }
  const run = (runId: string): Ack<RunDetailDto> => {
    const body = runBody(runId)
    if (!body.ok) return body
    const json = body.value.gzipped ? gunzipSync(body.value.bytes) : body.value.bytes
    return { ok: true, value: JSON.parse(json.toString('utf8')) as RunDetailDto }
  }
  return {
    lab: () => lab,
    runs: (limit = DEFAULT_RUNS_LIMIT) => store.listRuns(limit).map(toRunDto),
    run,
    runBody,
    snapshot: () => {
      const openRunId = tracker.runId
      const open = openRunId === null ? null : run(openRunId)
      return {
        lab,
        runs: store.listRuns(DEFAULT_RUNS_LIMIT).map(toRunDto),
        openRun: open !== null && open.ok ? open.value : null,
        serverTime: new Date().toISOString(),
      }
    },
  }
}
