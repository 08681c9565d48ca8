import type { LabStore } from '../store/lab-store.js'
import type { Ack, LabInfoDto, RunDetailDto, RunDto, SnapshotDto } from './contract.js'
import { toResultDto, toRunDto } from './dto.js'
import type { LiveRunTracker } from './live-run-tracker.js'

/** The read side shared by REST and the socket, so both answer with the same DTOs. */
export interface LabQueries {
  lab(): LabInfoDto
  runs(limit?: number): RunDto[]
  run(runId: string): Ack<RunDetailDto>
  /** The same run already serialized (UTF-8 JSON in chunks), for REST: a finished run's results are read as stored, not rebuilt. */
  runJson(runId: string): Ack<Buffer[]>
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
   * The run's results serialized as DTOs (a JSON array, UTF-8). A finished
   * run's is built once and kept in the store (issue 17 item 10: reshaping
   * ~3 MB per GET took 100-300 ms); a running run's is built each time, since
   * more results are still coming.
   */
  const resultsJson = (runId: string, isFinished: boolean): Buffer => {
    const stored = isFinished ? store.getRunView(runId, RESULT_VIEW_VERSION) : null
    if (stored !== null) return stored
    const built = Buffer.from(JSON.stringify(store.getResults(runId).map(toResultDto)))
    if (isFinished) store.putRunView(runId, RESULT_VIEW_VERSION, built)
    return built
  }
  const runJson = (runId: string): Ack<Buffer[]> => {
    const row = store.getRun(runId)
    if (row === null) return { ok: false, code: 'NOT_FOUND', message: `No run "${runId}"` }
    const isLive = tracker.runId === runId
    const results = resultsJson(runId, row.status !== 'running' && !isLive)
    const liveSteps = isLive ? tracker.liveSteps : []
    // Chunks, not one string: the stored bytes go to the socket as they are.
    return {
      ok: true,
      value: [Buffer.from(`{"run":${JSON.stringify(toRunDto(row))},"results":`), results, Buffer.from(`,"liveSteps":${JSON.stringify(liveSteps)}}`)],
    }
  }
  const run = (runId: string): Ack<RunDetailDto> => {
    const json = runJson(runId)
    return json.ok ? { ok: true, value: JSON.parse(Buffer.concat(json.value).toString('utf8')) as RunDetailDto } : json
  }
  return {
    lab: () => lab,
    runs: (limit = DEFAULT_RUNS_LIMIT) => store.listRuns(limit).map(toRunDto),
    run,
    runJson,
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
