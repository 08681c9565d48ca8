import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import Database from 'better-sqlite3'
import { LabStore } from '../../../server/store/lab-store.js'
import { loadMigrations } from '../../../server/store/open-database.js'
import { resultFixture } from './result-fixture.js'

const opened: LabStore[] = []
afterEach(() => {
  vi.restoreAllMocks()
  for (const store of opened.splice(0)) store.close()
})

function storeWithRuns(count: number): LabStore {
  const store = new LabStore(join(mkdtempSync(join(tmpdir(), 'mitmlab-queries-')), 'mitmlab.sqlite'))
  opened.push(store)
  for (let index = 0; index < count; index += 1) {
    const id = `run-${index}`
    store.createRun({ id, trigger: 'test', options: {}, scenarioCount: 2 })
    store.insertScenarioResult(resultFixture(id, 0))
    store.insertScenarioResult({ ...resultFixture(id, 1), leaked: true, asExpected: false })
    store.finishRun(id, 'failed')
  }
  store.db.exec('ANALYZE')
  return store
}

/** The SQL each prepare() saw while `fn` ran, with SQLite's plan for it (https://sqlite.org/eqp.html). */
function plansOf(store: LabStore, fn: () => void): string[] {
  fn() // once before: what the store learns about its schema on first use is not part of the query
  const statements: string[] = []
  const prepare = store.db.prepare.bind(store.db)
  vi.spyOn(store.db, 'prepare').mockImplementation(((sql: string) => {
    statements.push(sql)
    return prepare(sql)
  }) as typeof store.db.prepare)
  fn()
  vi.restoreAllMocks()
  return statements.flatMap((sql) =>
    (
      store.db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 'x')) as { detail: string }[]
    ).map((row) => row.detail),
  )
}

// Issue 17 item 10: getRun aggregated every run in the store (listRuns(1_000_000)).
describe('reading one run', () => {
  it('reads only the run asked for: every table is reached through an index, none is scanned', () => {
    const store = storeWithRuns(30)
    const plan = plansOf(store, () => store.getRun('run-17'))
    expect(plan.length).toBeGreaterThan(0)
    expect(plan.filter((step) => /^SCAN /.test(step))).toEqual([])
  })

  it('lists runs from the runs table alone: no result row is read to count them', () => {
    const store = storeWithRuns(30)
    const plan = plansOf(store, () => store.listRuns(10))
    expect(plan.length).toBeGreaterThan(0)
    expect(plan.filter((step) => !/\bruns\b|runs_by_started/.test(step))).toEqual([])
  })

  it('keeps counts that match the results, however they arrived', () => {
    const store = storeWithRuns(2)
    const counted = store.db
      .prepare(
        `SELECT run_id AS id, COUNT(*) AS resultCount, SUM(kind = 'attack' AND verdict = 'reject') AS caughtCount,
           SUM(leaked) AS leakedCount, SUM(as_expected = 0) AS unexpectedCount FROM scenario_results GROUP BY run_id ORDER BY run_id DESC`,
      )
      .all()
    expect(
      store
        .listRuns()
        .map(({ id, resultCount, caughtCount, leakedCount, unexpectedCount }) => ({
          id,
          resultCount,
          caughtCount,
          leakedCount,
          unexpectedCount,
        })),
    ).toEqual(counted)
  })

  it('answers with that run and its counts, and null for an unknown id', () => {
    const store = storeWithRuns(3)
    expect(store.getRun('run-1')).toMatchObject({
      id: 'run-1',
      status: 'failed',
      resultCount: 2,
      caughtCount: 2,
      leakedCount: 1,
      unexpectedCount: 1,
    })
    expect(store.getRun('run-9')).toBeNull()
  })

  it('lists the newest runs first with their own counts, however many there are', () => {
    const store = storeWithRuns(5)
    expect(store.listRuns(2).map((run) => [run.id, run.resultCount, run.leakedCount])).toEqual([
      ['run-4', 2, 1],
      ['run-3', 2, 1],
    ])
  })
})

describe('a store recorded before runs kept their counts (schema 4)', () => {
  it('has them counted once when it is opened for writing', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mitmlab-counts-')), 'mitmlab.sqlite')
    const old = new Database(file)
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    )
    for (const migration of loadMigrations().filter((m) => m.version <= 4)) {
      old.exec(migration.sql)
      old
        .prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)')
        .run(migration.version, migration.name, '2026-12-01T00:00:00Z')
    }
    old
      .prepare(
        "INSERT INTO runs (id, started_at, status, trigger, options_json, pid, hostname, scenario_count) VALUES ('old-run', '2026-12-01T00:00:00Z', 'passed', 'cli', '{}', 1, 'h', 3)",
      )
      .run()
    const insert = old.prepare(
      `INSERT INTO scenario_results (run_id, ordinal, scenario_id, client_id, kind, expected_verdict, verdict, leaked, as_expected, started_at, duration_ms, detail_json)
       VALUES ('old-run', ?, ?, 'lab-verifier', ?, 'reject', ?, ?, ?, '2026-12-01T00:00:00Z', 1, '{}')`,
    )
    insert.run(0, 'a', 'attack', 'reject', 0, 1)
    insert.run(1, 'b', 'attack', 'accept', 1, 0)
    insert.run(2, 'c', 'control', 'accept', 0, 1)
    old.close()
    const store = new LabStore(file)
    opened.push(store)
    expect(store.getRun('old-run')).toMatchObject({
      resultCount: 3,
      caughtCount: 1,
      leakedCount: 1,
      unexpectedCount: 1,
    })
  })
})
