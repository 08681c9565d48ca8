import { ConfigError } from '../errors.js'
import type { LabStore, RunRow } from './lab-store.js'
import { storeError } from './open-database.js'

export interface PruneCriteria {
  /** Keep the newest N runs whatever their age. */
  keep?: number
  /** Delete only runs started before this instant. */
  olderThan?: Date
  /** Say what would go, delete nothing. */
  dryRun?: boolean
}

export interface PruneOutcome {
  /** The runs deleted (or, on a dry run, that would be), newest first. */
  runs: RunRow[]
  /** Result rows of those runs (one per scenario × client). */
  resultCount: number
  /** Run-less event lines (the dashboard's own log) older than `olderThan` removed as well. */
  orphanEventCount: number
}

/**
 * Retention for the store (issue 17 item 10: runs never aged out). A run is
 * deleted when it is outside the newest `keep` and (if given) started before
 * `olderThan`; with both, both must hold, so `--keep 20 --older-than 30d`
 * never leaves fewer than 20 runs nor deletes anything from the last 30 days.
 * A run still recorded as running is never deleted (mark dead ones aborted
 * first: LabStore.markAbortedRuns). Each run goes in its own transaction, so
 * an interrupted prune leaves whole runs and the WAL is recycled as it goes.
 * Training answers are the trainer's record, kept.
 */
export function pruneRuns(store: LabStore, criteria: PruneCriteria): PruneOutcome {
  if (criteria.keep === undefined && criteria.olderThan === undefined) {
    throw new ConfigError('CONFIG_INVALID', 'Say what to prune: --keep N and/or --older-than AGE')
  }
  if (criteria.keep !== undefined && (!Number.isInteger(criteria.keep) || criteria.keep < 0)) {
    throw new ConfigError('CONFIG_INVALID', `--keep must be a whole number of runs, not ${criteria.keep}`)
  }
  const all = store.listRuns(Number.MAX_SAFE_INTEGER)
  const cutoff = criteria.olderThan?.toISOString()
  const doomed = all
    .slice(criteria.keep ?? 0)
    .filter((run) => run.status !== 'running' && (cutoff === undefined || run.startedAt < cutoff))
  const resultCount = doomed.reduce((sum, run) => sum + run.resultCount, 0)
  const { db } = store
  const orphanEvents = db.prepare('SELECT COUNT(*) AS n FROM events WHERE run_id IS NULL AND at < ?')
  const orphanEventCount = cutoff === undefined ? 0 : (orphanEvents.get(cutoff) as { n: number }).n
  if (criteria.dryRun === true) return { runs: doomed, resultCount, orphanEventCount }
  const statements = [
    'DELETE FROM events WHERE run_id = ?',
    'DELETE FROM run_views WHERE run_id = ?',
    'DELETE FROM step_results WHERE result_id IN (SELECT id FROM scenario_results WHERE run_id = ?)',
    'DELETE FROM connections WHERE result_id IN (SELECT id FROM scenario_results WHERE run_id = ?)',
    'DELETE FROM proxy_flows WHERE result_id IN (SELECT id FROM scenario_results WHERE run_id = ?)',
    'DELETE FROM scenario_results WHERE run_id = ?',
    "DELETE FROM runs WHERE id = ? AND status != 'running'",
  ].map((sql) => db.prepare(sql))
  try {
    const deleteRun = db.transaction((id: string) => {
      for (const statement of statements) statement.run(id)
    })
    for (const run of doomed) deleteRun(run.id)
    if (cutoff !== undefined) db.prepare('DELETE FROM events WHERE run_id IS NULL AND at < ?').run(cutoff)
  } catch (cause) {
    throw storeError(cause, store.file)
  }
  return { runs: doomed, resultCount, orphanEventCount }
}

/** Gives the freed pages back to the file system: VACUUM rewrites the file (https://sqlite.org/lang_vacuum.html). */
export function compactStore(store: LabStore): void {
  try {
    store.db.exec('VACUUM')
    store.db.pragma('wal_checkpoint(TRUNCATE)')
  } catch (cause) {
    throw storeError(cause, store.file)
  }
}

const AGE_UNITS_MS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const

/** `30d`, `12h`, `2w` → the instant that long before `now`. */
export function parseAge(text: string, now: Date = new Date()): Date {
  const match = /^(\d+)([hdw])$/.exec(text.trim())
  if (match === null)
    throw new ConfigError('CONFIG_INVALID', `--older-than takes an age like 30d, 12h or 2w, not "${text}"`)
  const [, amount, unit] = match as unknown as [string, string, keyof typeof AGE_UNITS_MS]
  return new Date(now.getTime() - Number(amount) * AGE_UNITS_MS[unit])
}

