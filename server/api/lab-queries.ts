import { clientIdsOf, clientVersionsOf, describeRunShape, summarizeClients } from '../report/client-summary.js'
import type { LabStore, RunRow } from '../store/lab-store.js'
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
    const results = store.getResults(runId)
    return {
      ok: true,
      value: {
        run: withShapes(store, [row])[0] ?? toRunDto(row),
        results: results.map(toResultDto),
        liveSteps: tracker.runId === runId ? tracker.liveSteps : [],
        clients: summarizeClients(results, clientVersionsOf(row.options), clientIdsOf(row.options)),
      },
    }
  }
  return {
    lab: () => lab,
    runs: (limit = DEFAULT_RUNS_LIMIT) => withShapes(store, store.listRuns(limit)),
    run,
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

/** Runs with their (scenario, client) shape, from one grouped query per list (issue 18). */
function withShapes(store: LabStore, rows: readonly RunRow[]): RunDto[] {
  const counts = store.countResultsByClient(rows.map((row) => row.id))
  return rows.map((row) => {
    const versions = clientVersionsOf(row.options)
    const clients = counts.clients
      .filter((count) => count.runId === row.id)
      .map(({ clientId, results, asExpected }) => ({ clientId, version: versions[clientId] ?? null, results, asExpected }))
    const shape = {
      scenarios: counts.scenarios.find((count) => count.runId === row.id)?.scenarios ?? 0,
      clients,
      results: clients.reduce((sum, client) => sum + client.results, 0),
      asExpected: clients.reduce((sum, client) => sum + client.asExpected, 0),
    }
    return { ...toRunDto(row), shape: { ...shape, label: describeRunShape({ ...shape, clients: clients.length }) } }
  })
}
