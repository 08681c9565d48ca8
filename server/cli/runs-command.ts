import type { Command } from 'commander'
import { resolveDataDir, storeFile } from '../config.js'
import { ConfigError } from '../errors.js'
import { SHORT_CLIENT_NAMES } from '../drivers/client-matrix.js'
import { describeRunShape } from '../report/client-summary.js'
import { LabStore, type RunRow } from '../store/lab-store.js'
import { formatTable } from './format-table.js'
import { wrapText } from './wrap-text.js'

interface RunsOptions {
  dataDir?: string
  limit: string
  json?: boolean
  wide?: boolean
}

/** One stored run as `mitmlab runs` lists it: what `diff` and `report RUN` need. */
export interface RunListing {
  id: string
  startedAt: string
  status: RunRow['status']
  trigger: string
  scenarios: number
  clients: string[]
  results: number
  asExpected: number
  leaked: number
}

export function registerRunsCommand(program: Command): void {
  program
    .command('runs')
    .description('List stored runs, newest first: id, start, scenarios × clients and how many results were as expected')
    .option('-n, --limit <n>', 'how many runs', '20')
    .option('--json', 'print the runs as JSON')
    .option('--wide', 'every column in full (default: fits 100 columns)')
    .option('--data-dir <dir>', 'PKI and SQLite location (default: $MITMLAB_DATA_DIR or ./data)')
    .action((options: RunsOptions) => {
      const limit = Number(options.limit)
      if (!Number.isInteger(limit) || limit < 1) throw new ConfigError('CONFIG_INVALID', `--limit must be a positive whole number, not "${options.limit}"`)
      const store = new LabStore(storeFile(resolveDataDir(options.dataDir)))
      try {
        const runs = listRuns(store, limit)
        if (options.json === true) process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`)
        else process.stdout.write(formatRuns(runs, store.file, options.wide === true))
      } finally {
        store.close()
      }
    })
}

export function listRuns(store: LabStore, limit: number): RunListing[] {
  const rows = store.listRuns(limit)
  const counts = store.countResultsByClient(rows.map((row) => row.id))
  return rows.map((row) => {
    const clients = counts.clients.filter((count) => count.runId === row.id)
    return {
      id: row.id,
      startedAt: row.startedAt,
      status: row.status,
      trigger: row.trigger,
      scenarios: counts.scenarios.find((count) => count.runId === row.id)?.scenarios ?? 0,
      clients: clients.map((client) => client.clientId),
      results: row.resultCount,
      asExpected: row.resultCount - row.unexpectedCount,
      leaked: row.leakedCount,
    }
  })
}

export function formatRuns(runs: readonly RunListing[], file: string, wide = false): string {
  if (runs.length === 0) return `No runs in ${file} yet; \`mitmlab run\` records one.\n`
  const rows = runs.map((run) => [
    run.id,
    // Minutes are enough to tell runs apart by eye; the id carries the seconds.
    wide ? run.startedAt : run.startedAt.slice(0, 16).replace('T', ' '),
    run.status,
    `${run.scenarios} × ${run.clients.length}`,
    `${run.asExpected}/${run.results}`,
    String(run.leaked),
    wide ? run.clients.join(',') : run.clients.map((id) => SHORT_CLIENT_NAMES[id] ?? id).join(','),
  ])
  const table = formatTable(['run', 'started (UTC)', 'status', 'scen × cl', 'as expected', 'leaks', 'clients'], rows, wide ? {} : { maxWidth: 100, shrink: [6] })
  const latest = runs[0]
  const hint =
    latest === undefined
      ? ''
      : `\n${wrapText(
          `${describeRunShape({ scenarios: latest.scenarios, clients: latest.clients.length, results: latest.results, asExpected: latest.asExpected })} in the latest run; ` +
            `mitmlab report ${latest.id} · mitmlab diff RUN_A RUN_B (a unique id prefix is enough)`,
          wide ? Number.MAX_SAFE_INTEGER : 100,
        )}\n`
  return `${table}\n${hint}`
}
