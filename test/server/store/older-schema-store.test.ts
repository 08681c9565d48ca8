import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { LabStore } from '../../../server/store/lab-store.js'
import { loadMigrations } from '../../../server/store/open-database.js'

/*
 * A store written by an older mitmlab (schema 4: before the run counts of migration 005 and the
 * proxy flows of 009), opened read-only by `mitmlab report` or a replay dashboard: it is read as
 * it is, never migrated, so counts come from the results and connections have no flows.
 */

const opened: LabStore[] = []
afterEach(() => {
  for (const store of opened.splice(0)) store.close()
})

function schemaFourStore(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mitmlab-schema4-')), 'mitmlab.sqlite')
  const db = new Database(file)
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)')
  for (const migration of loadMigrations().filter((m) => m.version <= 4)) {
    db.exec(migration.sql)
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, '2026-06-01T00:00:00Z')
  }
  const run = db.prepare("INSERT INTO runs (id, started_at, finished_at, status, trigger, options_json, pid, hostname, scenario_count) VALUES (?, ?, ?, 'failed', 'cli', '{}', 1, 'old-host', 3)")
  run.run('run-old', '2026-06-01T10:00:00Z', '2026-06-01T10:01:00Z')
  run.run('run-older', '2026-05-01T10:00:00Z', '2026-05-01T10:01:00Z')
  const result = db.prepare(
    `INSERT INTO scenario_results (run_id, ordinal, scenario_id, client_id, kind, expected_verdict, verdict, catching_step, leaked, as_expected, error, started_at, duration_ms, detail_json)
     VALUES ('run-old', ?, ?, 'lab-verifier', ?, ?, ?, ?, ?, ?, ?, '2026-06-01T10:00:01Z', 12, '{"client":null,"genuine":{"requests":[]},"mismatches":[],"external":null}')`,
  )
  // Caught attack; accepted attack that leaked (unexpected); attack that could not run (counts as not caught, unexpected).
  const first = result.run(0, 'self-signed-leaf', 'attack', 'reject', 'reject', 'TRUST', 0, 1, null)
  result.run(1, 'wrong-host', 'attack', 'reject', 'accept', null, 1, 0, null)
  result.run(2, 'expired-leaf', 'attack', 'reject', 'reject', null, 0, 0, 'SCENARIO_FAILED: did not start')
  db.prepare("INSERT INTO connections (result_id, ordinal, record_json) VALUES (?, 0, ?)").run(
    first.lastInsertRowid,
    JSON.stringify({ id: 1, mode: 'terminate', plaintext: { requests: [{ method: 'GET', path: '/', host: 'bank.lab' }], credentials: [], cookies: [] } }),
  )
  db.close()
  return file
}

describe('a store at schema 4, opened read-only', () => {
  it('counts each run from its results, in the run list and by id', () => {
    const store = new LabStore(schemaFourStore(), { readonly: true })
    opened.push(store)
    // Opened for reading only: SQLite itself refuses writes, so not even a migration can change the file.
    expect(store.db.readonly).toBe(true)
    const counts = { resultCount: 3, caughtCount: 1, leakedCount: 1, unexpectedCount: 2 }
    expect(store.listRuns(10).map((run) => ({ id: run.id, resultCount: run.resultCount, caughtCount: run.caughtCount, leakedCount: run.leakedCount, unexpectedCount: run.unexpectedCount }))).toEqual([
      { id: 'run-old', ...counts },
      { id: 'run-older', resultCount: 0, caughtCount: 0, leakedCount: 0, unexpectedCount: 0 },
    ])
    expect(store.getRun('run-old')).toMatchObject({ status: 'failed', scenarioCount: 3, ...counts })
    expect(store.getRun('run-missing')).toBeNull()
  })

  it('reads results and their connections as written, with no flows', () => {
    const store = new LabStore(schemaFourStore(), { readonly: true })
    opened.push(store)
    const results = store.getResults('run-old')
    expect(results.map((r) => [r.scenarioId, r.verdict, r.catchingStep, r.leaked, r.asExpected, r.error])).toEqual([
      ['self-signed-leaf', 'reject', 'TRUST', false, true, null],
      ['wrong-host', 'accept', null, true, false, null],
      ['expired-leaf', 'reject', null, false, false, 'SCENARIO_FAILED: did not start'],
    ])
    expect(results[0]?.connections.map((c) => c.plaintext)).toEqual([{ requests: [{ method: 'GET', path: '/', host: 'bank.lab' }], credentials: [], cookies: [] }])
  })
})

describe('opening for reading a store that is not there', () => {
  it('says there is no store yet, naming the file, and creates nothing', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mitmlab-nostore-')), 'mitmlab.sqlite')
    expect(() => new LabStore(file, { readonly: true })).toThrow(`There is no store at ${file} yet; run \`mitmlab run\` first`)
    expect(existsSync(file)).toBe(false)
  })
})

describe('the store watcher’s positions', () => {
  it('says 0 for a run with no results yet, then the row id of the newest result', () => {
    const store = new LabStore(join(mkdtempSync(join(tmpdir(), 'mitmlab-last-')), 'mitmlab.sqlite'))
    opened.push(store)
    store.createRun({ id: 'run-new', trigger: 'ci', options: {}, scenarioCount: 1 })
    expect(store.lastResultId('run-new')).toBe(0)
    expect(store.getResultsAfter('run-new', 0)).toEqual({ results: [], lastResultId: 0 })
  })

  it('reports SQLite’s data_version as a number that changes when another connection commits', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mitmlab-dv-')), 'mitmlab.sqlite')
    const store = new LabStore(file)
    opened.push(store)
    const before = store.dataVersion()
    expect(typeof before).toBe('number')
    const writer = new LabStore(file)
    writer.createRun({ id: 'run-elsewhere', trigger: 'ci', options: {}, scenarioCount: 1 })
    writer.close()
    expect(store.dataVersion()).toBeGreaterThan(before)
  })
})
