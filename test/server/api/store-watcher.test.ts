import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { LabDelta } from '../../../server/api/contract.js'
import { watchStore } from '../../../server/api/store-watcher.js'
import { LabStore } from '../../../server/store/lab-store.js'
import { resultFixture } from '../store/result-fixture.js'

const cleanups: (() => void)[] = []
afterEach(() => {
  vi.restoreAllMocks()
  for (const cleanup of cleanups.splice(0)) cleanup()
})

function twoConnections(): { watched: LabStore; writer: LabStore } {
  const file = join(mkdtempSync(join(tmpdir(), 'mitmlab-watch-')), 'mitmlab.sqlite')
  const watched = new LabStore(file)
  const writer = new LabStore(file)
  cleanups.push(() => {
    watched.close()
    writer.close()
  })
  writer.createRun({ id: 'old', trigger: 'test', options: {}, scenarioCount: 1 })
  writer.finishRun('old', 'passed')
  return { watched, writer }
}

// Issue 17 item 10: the watcher listed (and aggregated) runs every second even when nothing changed.
describe('the store watcher', () => {
  it('reads no run while nobody writes: twenty idle polls, not one listRuns', async () => {
    const { watched } = twoConnections()
    const stop = watchStore({
      store: watched,
      isOwnRun: () => false,
      publish: () => undefined,
      intervalMs: 5,
    })
    cleanups.push(stop)
    const listRuns = vi.spyOn(watched, 'listRuns')
    await sleep(100)
    expect(listRuns).not.toHaveBeenCalled()
  })

  it('still pushes a run another connection records, then goes quiet again', async () => {
    const { watched, writer } = twoConnections()
    const deltas: LabDelta[] = []
    const stop = watchStore({
      store: watched,
      isOwnRun: () => false,
      publish: (delta) => deltas.push(delta),
      intervalMs: 5,
    })
    cleanups.push(stop)
    writer.createRun({ id: 'new', trigger: 'cli', options: { scenarios: ['scenario-0'] }, scenarioCount: 1 })
    writer.insertScenarioResult(resultFixture('new', 0))
    writer.finishRun('new', 'passed')
    await vi.waitFor(() => expect(deltas.map((d) => d.type)).toContain('run:finished'), {
      timeout: 5_000,
      interval: 10,
    })
    expect(deltas.map((d) => d.type)).toEqual(['run:started', 'scenario:finished', 'run:finished'])
    const listRuns = vi.spyOn(watched, 'listRuns')
    await sleep(60)
    expect(listRuns).not.toHaveBeenCalled()
  })

  it('reads only the results it has not pushed yet', async () => {
    const { watched, writer } = twoConnections()
    const deltas: LabDelta[] = []
    const stop = watchStore({ store: watched, isOwnRun: () => false, publish: (delta) => deltas.push(delta), intervalMs: 5 })
    cleanups.push(stop)
    writer.createRun({ id: 'long', trigger: 'cli', options: {}, scenarioCount: 3 })
    writer.insertScenarioResult(resultFixture('long', 0))
    await vi.waitFor(() => expect(deltas.filter((d) => d.type === 'scenario:finished')).toHaveLength(1), { timeout: 5_000, interval: 10 })
    const getResults = vi.spyOn(watched, 'getResultsAfter')
    writer.insertScenarioResult(resultFixture('long', 1))
    writer.insertScenarioResult(resultFixture('long', 2))
    await vi.waitFor(() => expect(deltas.filter((d) => d.type === 'scenario:finished')).toHaveLength(3), { timeout: 5_000, interval: 10 })
    const read = getResults.mock.results.flatMap((call) => (call.value as { results: { ordinal: number }[] }).results.map((result) => result.ordinal))
    expect(read.sort()).toEqual([1, 2])
  })

  // Issue 19: a parallel run (--jobs) commits scenarios as they finish. Counting results seen and skipping that many
  // by ordinal would push ordinal 2 (committed first), then skip ordinal 1 forever.
  it('pushes every result of a run that commits out of catalog order', async () => {
    const { watched, writer } = twoConnections()
    const deltas: LabDelta[] = []
    const stop = watchStore({ store: watched, isOwnRun: () => false, publish: (delta) => deltas.push(delta), intervalMs: 5 })
    cleanups.push(stop)
    writer.createRun({ id: 'parallel', trigger: 'cli', options: {}, scenarioCount: 3 })
    writer.insertScenarioResult(resultFixture('parallel', 2))
    await vi.waitFor(() => expect(deltas.filter((d) => d.type === 'scenario:finished')).toHaveLength(1), { timeout: 5_000, interval: 10 })
    writer.insertScenarioResult(resultFixture('parallel', 0))
    writer.insertScenarioResult(resultFixture('parallel', 1))
    await vi.waitFor(() => expect(deltas.filter((d) => d.type === 'scenario:finished')).toHaveLength(3), { timeout: 5_000, interval: 10 })
    const pushed = deltas.flatMap((d) => (d.type === 'scenario:finished' ? [d.result.ordinal] : []))
    expect(pushed).toEqual([2, 0, 1])
    expect(watched.getResults('parallel').map((result) => result.ordinal)).toEqual([0, 1, 2])
  })
})
