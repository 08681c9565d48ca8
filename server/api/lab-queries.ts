import type { LabStore } from '../store/lab-store.js'
import type { Ack, LabInfoDto, RunDetailDto, RunDto, SnapshotDto } from './contract.js'
import { toResultDto, toRunDto } from './dto.js'
import type { LiveRunTracker } from './live-run-tracker.js'

/** The read side shared by REST and the socket, so both answer with the same DTOs. */
export interface LabQueries {
  lab(): LabInfoDto
  runs(limit?: number): RunDto[]
  run(runId: string): Ack<RunDetailDto>
  snapshot(): SnapshotDto
}

export const DEFAULT_RUNS_LIMIT = 100

export function createLabQueries(store: LabStore, lab: LabInfoDto, tracker: LiveRunTracker): LabQueries {
  const run = (runId: string): Ack<RunDetailDto> => {
    const row = store.getRun(runId)
    if (row === null) return { ok: false, code: 'NOT_FOUND', message: `No run "${runId}"` }
    return {
      ok: true,
      value: {
        run: toRunDto(row),
        results: store.getResults(runId).map(toResultDto),
        liveSteps: tracker.runId === runId ? tracker.liveSteps : [],
      },
    }
  }
  return {
    lab: () => lab,
    runs: (limit = DEFAULT_RUNS_LIMIT) => store.listRuns(limit).map(toRunDto),
    run,
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
