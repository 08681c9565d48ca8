import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { LabError } from '../../../server/errors.js'
import { storeError } from '../../../server/store/open-database.js'
import { LabStore } from '../../../server/store/lab-store.js'
import { resultFixture } from './result-fixture.js'

/*
 * The store's defaults and slices, written out here rather than imported: listRuns() gives the
 * newest 100, listEvents() 10,000, countResultsByClient counts in slices of 500 run ids (SQLite's
 * bound-parameter cap), a run view round-trips and a read-only or pre-views store keeps none; and
 * how each SQLite error code is reported (storeError, fed SQLite's own error class).
 */

const opened: LabStore[] = []
afterEach(() => {
  for (const store of opened.splice(0)) store.close()
})

function storeFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'mitmlab-store-limits-')), 'mitmlab.sqlite')
}

function openStore(file = storeFile(), options: { readonly?: boolean } = {}): LabStore {
  const store = new LabStore(file, options)
  opened.push(store)
  return store
}

describe('LabStore defaults and slices', () => {
  it('lists the newest 100 runs by default, of 101', () => {
    const store = openStore()
    store.db.transaction(() => {
      for (let i = 0; i < 101; i++) store.createRun({ id: `run-${String(i).padStart(3, '0')}`, trigger: 'test', options: {}, scenarioCount: 0 })
    })()
    const listed = store.listRuns().map((run) => run.id)
    expect(listed).toHaveLength(100)
    expect(listed).not.toContain('run-000')
    expect(listed).toContain('run-100')
  })

  it('lists the first 10,000 events of a run by default, of 10,001', () => {
    const store = openStore()
    store.createRun({ id: 'run-1', trigger: 'test', options: {}, scenarioCount: 0 })
    const insert = store.db.prepare("INSERT INTO events (run_id, scenario_id, at, level, source, type, message, data_json) VALUES ('run-1', NULL, '2026-12-05T00:00:00.000Z', 'info', 'test', 'note', ?, NULL)")
    store.db.transaction(() => {
      for (let i = 0; i < 10_001; i++) insert.run(`event ${i}`)
    })()
    const events = store.listEvents('run-1')
    expect(events).toHaveLength(10_000)
    expect(events[0]?.message).toBe('event 0')
    expect(events[9_999]?.message).toBe('event 9999')
  })

  it('counts results for 1,001 run ids, in slices of 500, missing none at a slice edge', () => {
    const store = openStore()
    const ids = Array.from({ length: 1_001 }, (_, i) => `run-${String(i).padStart(4, '0')}`)
    // Results only for the runs at the edges of each slice of 500: 0, 499, 500, 999, 1000.
    const withResults = ['run-0000', 'run-0499', 'run-0500', 'run-0999', 'run-1000']
    for (const id of withResults) {
      store.createRun({ id, trigger: 'test', options: {}, scenarioCount: 2 })
      store.insertScenarioResult(resultFixture(id, 0, 'a'))
      store.insertScenarioResult({ ...resultFixture(id, 1, 'b'), asExpected: false })
    }
    const counts = store.countResultsByClient(ids)
    expect(counts.clients).toEqual(withResults.map((runId) => ({ runId, clientId: 'lab-verifier', results: 2, asExpected: 1 })))
    expect(counts.scenarios).toEqual(withResults.map((runId) => ({ runId, scenarios: 2 })))
    expect(store.countResultsByClient([])).toEqual({ clients: [], scenarios: [] })
  })

  it('reads back an expectation without a pinned code or server-side detection exactly as written: no key holding undefined', () => {
    const store = openStore()
    store.createRun({ id: 'run-1', trigger: 'test', options: {}, scenarioCount: 2 })
    store.insertScenarioResult({ ...resultFixture('run-1', 0, 'a'), expected: { verdict: 'reject', step: 'HOST' } })
    store.insertScenarioResult({ ...resultFixture('run-1', 1, 'b'), expected: { verdict: 'reject', step: 'HOST', code: 'HOSTNAME_MISMATCH', serverDetects: false } })
    expect(store.getResults('run-1').map((result) => result.expected)).toStrictEqual([
      { verdict: 'reject', step: 'HOST' },
      { verdict: 'reject', step: 'HOST', code: 'HOSTNAME_MISMATCH', serverDetects: false },
    ])
  })

  it('keeps a run view and reads it back; a read-only store keeps none', () => {
    const file = storeFile()
    const store = openStore(file)
    store.createRun({ id: 'run-1', trigger: 'test', options: {}, scenarioCount: 0 })
    expect(store.getRunView('run-1', 3)).toBeNull()
    expect(store.putRunView('run-1', 3, Buffer.from('gzipped view'))).toBe(true)
    expect(store.getRunView('run-1', 3)?.toString()).toBe('gzipped view')
    expect(store.getRunView('run-1', 4)).toBeNull()
    const reader = openStore(file, { readonly: true })
    expect(reader.putRunView('run-1', 4, Buffer.from('other'))).toBe(false)
    expect(reader.getRunView('run-1', 3)?.toString()).toBe('gzipped view')
    expect(store.getRunView('run-1', 4)).toBeNull()
  })

  it('reads a store from before run views (no run_views table) as having none, and writes none', () => {
    const file = storeFile()
    const writer = openStore(file)
    writer.createRun({ id: 'run-1', trigger: 'test', options: {}, scenarioCount: 0 })
    writer.db.exec('DROP TABLE run_views')
    writer.close()
    const reader = openStore(file, { readonly: true })
    expect(reader.getRunView('run-1', 3)).toBeNull()
    expect(reader.putRunView('run-1', 3, Buffer.from('view'))).toBe(false)
  })
})

describe('storeError: SQLite error codes in our words, naming the file', () => {
  const file = '/srv/lab/mitmlab.sqlite'
  const reported = (code: string, message: string): { code: string; message: string } => {
    const error = storeError(new Database.SqliteError(message, code), file)
    expect(error).toBeInstanceOf(LabError)
    return { code: error.code, message: error.message }
  }

  it.each([
    ['SQLITE_READONLY', 'attempt to write a readonly database'],
    ['SQLITE_READONLY_DIRECTORY', 'attempt to write a readonly database'],
    ['SQLITE_CANTOPEN', 'unable to open database file'],
    ['SQLITE_PERM', 'access permission denied'],
  ])('%s: DATA_DIR_NOT_WRITABLE', (code, message) => {
    expect(reported(code, message)).toEqual({ code: 'DATA_DIR_NOT_WRITABLE', message: `Cannot write ${file}: ${message}` })
  })

  it('SQLITE_FULL: DATA_DIR_FULL', () => {
    expect(reported('SQLITE_FULL', 'database or disk is full')).toEqual({ code: 'DATA_DIR_FULL', message: `The disk holding ${file} is full` })
  })

  it.each([['SQLITE_CORRUPT'], ['SQLITE_CORRUPT_INDEX'], ['SQLITE_NOTADB']])('%s: STORE_FAILED, damaged, with the way out', (code) => {
    expect(reported(code, 'database disk image is malformed')).toEqual({
      code: 'STORE_FAILED',
      message: `The store ${file} is damaged (database disk image is malformed): move it aside (the next run starts a new one), or try \`sqlite3 ${file} .recover\` to rescue what is readable`,
    })
  })

  it.each([['SQLITE_BUSY'], ['SQLITE_CONSTRAINT_UNIQUE'], ['SQLITE_IOERR']])('%s: STORE_FAILED, naming the file', (code) => {
    expect(reported(code, 'something else')).toEqual({ code: 'STORE_FAILED', message: `The store ${file} failed: something else` })
  })
})
