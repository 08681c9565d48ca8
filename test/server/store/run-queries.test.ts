import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LabStore } from '../../../server/store/lab-store.js'
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
  const statements: string[] = []
  const prepare = store.db.prepare.bind(store.db)
  vi.spyOn(store.db, 'prepare').mockImplementation(((sql: string) => {
    statements.push(sql)
    return prepare(sql)
  }) as typeof store.db.prepare)
  fn()
  vi.restoreAllMocks()
  return statements.flatMap((sql) =>
    (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 'x')) as { detail: string }[]).map(
      (row) => row.detail,
    ),
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

  it('answers with that run and its counts, and null for an unknown id', () => {
    const store = storeWithRuns(3)
    expect(store.getRun('run-1')).toMatchObject({ id: 'run-1', status: 'failed', resultCount: 2, caughtCount: 2, leakedCount: 1, unexpectedCount: 1 })
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
