import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { StepResult } from '../../../server/steps/step-result.js'
import { LabStore } from '../../../server/store/lab-store.js'
import { resultFixture } from './result-fixture.js'

const opened: LabStore[] = []
afterEach(() => {
  for (const store of opened.splice(0)) store.close()
})

function openStore(file = join(mkdtempSync(join(tmpdir(), 'mitmlab-store-')), 'mitmlab.sqlite')): LabStore {
  const store = new LabStore(file)
  opened.push(store)
  return store
}

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', ''])
  if (pid === undefined) throw new Error('could not spawn a short-lived process')
  return pid
}

/** A 'running' row as another process (pid, host) would have written it. */
function insertRunOfAnotherProcess(store: LabStore, id: string, pid: number, host: string): void {
  store.db
    .prepare("INSERT INTO runs (id, started_at, status, trigger, options_json, pid, hostname, scenario_count) VALUES (?, ?, 'running', 'test', '{}', ?, ?, 3)")
    .run(id, new Date().toISOString(), pid, host)
}

const count = (store: LabStore, table: string): number =>
  (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n

describe('LabStore', () => {
  it('opens in WAL mode with foreign keys on', () => {
    const store = openStore()
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1)
  })

  it('reads back a scenario result exactly as it was written, steps and connections included', () => {
    const store = openStore()
    store.createRun({ id: 'run-1', trigger: 'test', options: { scenarios: ['a'] }, scenarioCount: 2 })
    const written = resultFixture('run-1', 0)
    store.insertScenarioResult(written)
    expect(store.getResults('run-1')).toEqual([written])
    expect(store.getRun('run-1')).toMatchObject({ status: 'running', resultCount: 1, caughtCount: 1, leakedCount: 0, unexpectedCount: 0 })
  })

  it('commits a result with all its steps or not at all', () => {
    const store = openStore()
    store.createRun({ id: 'run-1', trigger: 'test', options: {}, scenarioCount: 1 })
    const broken = resultFixture('run-1', 0)
    // The tenth step breaks NOT NULL after nine steps were inserted: the whole result must roll back.
    broken.steps[9] = { ...broken.steps[9], message: null } as unknown as StepResult
    expect(() => store.insertScenarioResult(broken)).toThrow(expect.objectContaining({ code: 'STORE_FAILED', message: expect.stringContaining(store.file) }))
    expect([count(store, 'scenario_results'), count(store, 'step_results'), count(store, 'connections')]).toEqual([0, 0, 0])
    store.insertScenarioResult(resultFixture('run-1', 0))
    expect([count(store, 'scenario_results'), count(store, 'step_results'), count(store, 'connections')]).toEqual([1, 20, 1])
  })

  it('refuses a second result for the same scenario and client in one run', () => {
    const store = openStore()
    store.createRun({ id: 'run-1', trigger: 'test', options: {}, scenarioCount: 1 })
    store.insertScenarioResult(resultFixture('run-1', 0, 'same'))
    expect(() => store.insertScenarioResult(resultFixture('run-1', 1, 'same'))).toThrow(expect.objectContaining({ code: 'STORE_FAILED' }))
    expect(count(store, 'step_results')).toBe(20)
  })

  it('marks running runs of dead processes aborted, and leaves live, finished and foreign runs alone', () => {
    const store = openStore()
    insertRunOfAnotherProcess(store, 'dead', deadPid(), hostname())
    insertRunOfAnotherProcess(store, 'alive', process.ppid, hostname())
    insertRunOfAnotherProcess(store, 'finished', deadPid(), hostname())
    insertRunOfAnotherProcess(store, 'foreign', deadPid(), 'another-host')
    store.finishRun('finished', 'passed')
    expect(store.markAbortedRuns()).toEqual(['dead'])
    const status = Object.fromEntries(store.listRuns().map((run) => [run.id, run.status]))
    expect(status).toEqual({ dead: 'aborted', alive: 'running', finished: 'passed', foreign: 'running' })
    expect(store.getRun('dead')?.finishedAt).not.toBeNull()
    expect(store.markAbortedRuns()).toEqual([])
  })

  it('marks a run aborted that has this pid but was created by an earlier process (a restarted container)', () => {
    const store = openStore()
    store.createRun({ id: 'current', trigger: 'test', options: {}, scenarioCount: 1 })
    insertRunOfAnotherProcess(store, 'earlier', process.pid, hostname())
    expect(store.markAbortedRuns(() => true)).toEqual(['earlier'])
    expect(store.getRun('current')?.status).toBe('running')
  })

  it('never marks its own running run aborted', () => {
    const store = openStore()
    store.createRun({ id: 'mine', trigger: 'test', options: {}, scenarioCount: 1 })
    expect(store.markAbortedRuns(() => false)).toEqual([])
  })

  it('lets a reader keep its snapshot while a writer commits (WAL), then see the commit', () => {
    const writer = openStore()
    const reader = openStore(writer.file)
    writer.createRun({ id: 'run-1', trigger: 'test', options: {}, scenarioCount: 2 })
    writer.insertScenarioResult(resultFixture('run-1', 0))
    reader.db.exec('BEGIN')
    expect(reader.getResults('run-1')).toHaveLength(1)
    // In rollback-journal mode this commit would wait on the reader's SHARED lock and fail SQLITE_BUSY.
    writer.insertScenarioResult(resultFixture('run-1', 1))
    expect(reader.getResults('run-1')).toHaveLength(1)
    reader.db.exec('COMMIT')
    expect(reader.getResults('run-1')).toHaveLength(2)
  })

  it('appends runs: a second store on the same file keeps the first run', () => {
    const first = openStore()
    first.createRun({ id: 'run-1', trigger: 'test', options: {}, scenarioCount: 1 })
    first.finishRun('run-1', 'passed')
    first.close()
    const second = openStore(first.file)
    second.createRun({ id: 'run-2', trigger: 'test', options: {}, scenarioCount: 1 })
    expect(second.listRuns().map((run) => run.id).sort()).toEqual(['run-1', 'run-2'])
  })

  it('stores and lists events in order, with their data', () => {
    const store = openStore()
    store.createRun({ id: 'run-1', trigger: 'test', options: {}, scenarioCount: 1 })
    const first = store.insertEvent({ runId: 'run-1', scenarioId: null, level: 'warn', source: 'genuine', type: 'garbage', message: 'not TLS', data: { bytes: 12 } })
    store.insertEvent({ runId: 'run-1', scenarioId: 'x', level: 'info', source: 'runner', type: 'note', message: 'second', data: undefined })
    expect(store.listEvents('run-1').map((e) => [e.type, e.data])).toEqual([['garbage', { bytes: 12 }], ['note', null]])
    expect(store.listEvents('run-1', first).map((e) => e.message)).toEqual(['second'])
  })
})
