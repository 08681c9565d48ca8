import { clientVersionsOf, describeRunShape } from '../report/client-summary.js'
import type { LabStore, RunRow } from '../store/lab-store.js'
import type { RunDto } from './contract.js'
import { toRunDto } from './dto.js'

/** Runs with their (scenario, client) shape, from one grouped query per list (issue 18). */
export function withShapes(store: LabStore, rows: readonly RunRow[]): RunDto[] {
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
