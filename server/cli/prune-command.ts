import { statSync } from 'node:fs'
import type { Command } from 'commander'
import { resolveDataDir, storeFile } from '../config.js'
import { ConfigError } from '../errors.js'
import { LabStore } from '../store/lab-store.js'
import { compactStore, parseAge, pruneRuns } from '../store/prune-runs.js'

interface PruneCommandOptions {
  keep?: string
  olderThan?: string
  dryRun?: boolean
  vacuum: boolean
  dataDir?: string
}

export function registerPruneCommand(program: Command): void {
  program
    .command('prune')
    .description(
      'Delete old runs from the store, to keep it bounded (runs still in progress are never deleted)',
    )
    .option('--keep <n>', 'keep the newest N runs')
    .option('--older-than <age>', 'delete only runs started more than AGE ago: 30d, 12h, 2w')
    .option('--dry-run', 'list what would be deleted, delete nothing')
    .option('--no-vacuum', 'do not rewrite the file afterwards (the space stays reserved for new runs)')
    .option('--data-dir <dir>', 'PKI and SQLite location (default: $MITMLAB_DATA_DIR or ./data)')
    .action((options: PruneCommandOptions) => {
      pruneCommand(options, process.stdout)
    })
}

export function pruneCommand(options: PruneCommandOptions, out: NodeJS.WritableStream): void {
  const keep = options.keep === undefined ? undefined : parseKeep(options.keep)
  const olderThan = options.olderThan === undefined ? undefined : parseAge(options.olderThan)
  if (keep === undefined && olderThan === undefined)
    throw new ConfigError('CONFIG_INVALID', 'Say what to prune: --keep N and/or --older-than AGE')
  const file = storeFile(resolveDataDir(options.dataDir))
  const store = new LabStore(file)
  try {
    store.markAbortedRuns()
    const before = sizeOf(file)
    const outcome = pruneRuns(store, {
      ...(keep === undefined ? {} : { keep }),
      ...(olderThan === undefined ? {} : { olderThan }),
      dryRun: options.dryRun === true,
    })
    const verb = options.dryRun === true ? 'would delete' : 'deleted'
    for (const run of outcome.runs)
      out.write(`  ${run.id}  ${run.startedAt}  ${run.status}  ${run.resultCount} results\n`)
    out.write(
      `${verb} ${outcome.runs.length} run(s), ${outcome.resultCount} result(s)` +
        (outcome.orphanEventCount > 0 ? ` and ${outcome.orphanEventCount} run-less log line(s)` : '') +
        ` from ${file}\n`,
    )
    if (options.dryRun !== true && outcome.runs.length > 0 && options.vacuum) {
      compactStore(store)
      out.write(`the file went from ${formatBytes(before)} to ${formatBytes(sizeOf(file))}\n`)
    }
  } finally {
    store.close()
  }
}

function parseKeep(text: string): number {
  if (!/^\d+$/.test(text.trim()))
    throw new ConfigError('CONFIG_INVALID', `--keep takes a whole number of runs, not "${text}"`)
  return Number(text)
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`
}
