import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { storeFile } from '../../../server/config.js'
import { LabStore } from '../../../server/store/lab-store.js'
import { parseAge, pruneRuns } from '../../../server/store/prune-runs.js'
import { runMitmlab } from '../../support/cli-process.js'
import { resultFixture } from './result-fixture.js'

const NOW = new Date(Date.UTC(2026, 11, 5, 12, 0))
const DAY_MS = 86_400_000

const opened: LabStore[] = []
afterEach(() => {
  for (const store of opened.splice(0)) store.close()
})

/** Runs r0 (newest) … rN, r_i started i days before NOW, each with two results and a log line; `running` stay running. */
function storeWithRunsByAge(
  count: number,
  dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-prune-')),
  running: string[] = [],
): LabStore {
  const store = new LabStore(storeFile(dataDir))
  opened.push(store)
  for (let age = count - 1; age >= 0; age -= 1) {
    const id = `r${age}`
    store.createRun({ id, trigger: 'test', options: {}, scenarioCount: 2 })
    store.db
      .prepare('UPDATE runs SET started_at = ? WHERE id = ?')
      .run(new Date(NOW.getTime() - age * DAY_MS).toISOString(), id)
    store.insertScenarioResult(resultFixture(id, 0))
    store.insertScenarioResult(resultFixture(id, 1))
    store.insertEvent({
      runId: id,
      scenarioId: null,
      level: 'info',
      source: 'test',
      type: 'line',
      message: id,
      data: undefined,
    })
    if (!running.includes(id)) store.finishRun(id, 'passed')
  }
  store.insertEvent({
    runId: null,
    scenarioId: null,
    level: 'info',
    source: 'serve',
    type: 'line',
    message: 'old',
    at: new Date(NOW.getTime() - 40 * DAY_MS).toISOString(),
    data: undefined,
  })
  return store
}

const ids = (store: LabStore): string[] => store.listRuns(1_000).map((run) => run.id)
const rows = (store: LabStore, table: string): number =>
  (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n

// Issue 17 item 10: runs never aged out; nothing kept the store bounded.
describe('pruning runs', () => {
  it('--keep N leaves the newest N runs and deletes every row of the others', () => {
    const store = storeWithRunsByAge(5)
    const outcome = pruneRuns(store, { keep: 2 })
    expect(outcome.runs.map((run) => run.id)).toEqual(['r2', 'r3', 'r4'])
    expect(outcome.resultCount).toBe(6)
    expect(ids(store)).toEqual(['r0', 'r1'])
    expect(rows(store, 'scenario_results')).toBe(4)
    expect(rows(store, 'step_results')).toBe(4 * resultFixture('x', 0).steps.length)
    expect(rows(store, 'connections')).toBe(4)
    expect(rows(store, 'events')).toBe(3) // r0, r1 and the run-less line
    expect(store.getResults('r1')).toHaveLength(2)
  })

  it('--older-than deletes runs started before the cutoff, and run-less log lines as old', () => {
    const store = storeWithRunsByAge(5)
    const outcome = pruneRuns(store, { olderThan: parseAge('2d', NOW) })
    expect(outcome.runs.map((run) => run.id)).toEqual(['r3', 'r4'])
    expect(outcome.orphanEventCount).toBe(1)
    expect(ids(store)).toEqual(['r0', 'r1', 'r2'])
    expect(rows(store, 'events')).toBe(3)
  })

  it('with both, deletes only what both allow: never fewer than N runs, nothing younger than the age', () => {
    const store = storeWithRunsByAge(6)
    expect(pruneRuns(store, { keep: 4, olderThan: parseAge('2d', NOW) }).runs.map((run) => run.id)).toEqual([
      'r4',
      'r5',
    ])
    expect(pruneRuns(store, { keep: 1, olderThan: parseAge('3d', NOW) }).runs.map((run) => run.id)).toEqual(
      [],
    )
    expect(ids(store)).toEqual(['r0', 'r1', 'r2', 'r3'])
  })

  it('--dry-run names the runs and deletes nothing', () => {
    const store = storeWithRunsByAge(3)
    expect(pruneRuns(store, { keep: 1, dryRun: true }).runs.map((run) => run.id)).toEqual(['r1', 'r2'])
    expect(ids(store)).toEqual(['r0', 'r1', 'r2'])
    expect(rows(store, 'step_results')).toBe(6 * resultFixture('x', 0).steps.length)
  })

  it('never deletes a run that is still running', () => {
    const store = storeWithRunsByAge(3, undefined, ['r2'])
    expect(pruneRuns(store, { keep: 0 }).runs.map((run) => run.id)).toEqual(['r0', 'r1'])
    expect(ids(store)).toEqual(['r2'])
  })

  it.each([
    [{}, /--keep N and\/or --older-than/],
    [{ keep: -1 }, /--keep must be a whole number/],
  ])('refuses %j', (criteria, message) => {
    const store = storeWithRunsByAge(1)
    expect(() => pruneRuns(store, criteria)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(message) }),
    )
  })

  it.each(['30', '30x', 'd', '-3d', '1.5d'])('refuses the age "%s"', (age) => {
    expect(() => parseAge(age, NOW)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(`"${age}"`) }),
    )
  })

  it('reads ages in hours, days and weeks', () => {
    expect(
      [parseAge('12h', NOW), parseAge('30d', NOW), parseAge('2w', NOW)].map((d) => d.toISOString()),
    ).toEqual(['2026-12-05T00:00:00.000Z', '2026-11-05T12:00:00.000Z', '2026-11-21T12:00:00.000Z'])
  })
})

describe('mitmlab prune', () => {
  it('deletes and compacts with --keep, lists with --dry-run, and exits 2 without a criterion', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-prune-cli-'))
    storeWithRunsByAge(4, dataDir).close()
    const dry = await runMitmlab(['prune', '--keep', '3', '--dry-run', '--data-dir', dataDir])
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(/r3 .*\nwould delete 1 run\(s\), 2 result\(s\)/)
    const real = await runMitmlab(['prune', '--keep', '1', '--data-dir', dataDir])
    expect(real.code, real.stderr).toBe(0)
    expect(real.stdout).toMatch(/deleted 3 run\(s\), 6 result\(s\)/)
    expect(real.stdout).toMatch(/the file went from/)
    const bare = await runMitmlab(['prune', '--data-dir', dataDir])
    expect(bare.code).toBe(2)
    expect(bare.stderr).toContain('--keep N and/or --older-than')
    const reopened = new LabStore(storeFile(dataDir))
    opened.push(reopened)
    expect(ids(reopened)).toEqual(['r0'])
  })
})
