import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { findScenario } from '../../scenarios/index.js'
import { storeFile } from '../../server/config.js'
import { STEP_IDS } from '../../server/steps/step-ids.js'
import { LabStore } from '../../server/store/lab-store.js'
import { pollUntil, startCli, type CliProcess } from '../support/cli-process.js'

/**
 * Issue 10, durability: `mitmlab run` is SIGKILLed once at least two scenario
 * results are committed. Every result committed before the kill must survive
 * intact, the next start must mark the run aborted, and the file must pass
 * SQLite's integrity check. On the way, a reader holds a read transaction open
 * while the runner commits (WAL: readers never block the writer).
 */
const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-sigkill-'))
const file = storeFile(dataDir)
const started: CliProcess[] = []

afterAll(() => {
  for (const cli of started) if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL')
})

/** A read-only connection, opened once the runner has created the file and its schema. */
function openReader(): Database.Database | undefined {
  if (!existsSync(file)) return undefined
  const reader = new Database(file, { readonly: true, fileMustExist: true })
  try {
    reader.prepare('SELECT COUNT(*) FROM scenario_results').get()
    return reader
  } catch {
    reader.close()
    return undefined
  }
}

const resultIds = (db: Database.Database): number[] =>
  (db.prepare('SELECT id FROM scenario_results ORDER BY id').all() as { id: number }[]).map((row) => row.id)

describe('a run killed with SIGKILL', () => {
  it('keeps every committed result intact, is marked aborted on the next start, and the file stays sound', async () => {
    const cli = startCli(['run', '--data-dir', dataDir, '--quiet'])
    started.push(cli)
    const reader = await pollUntil(openReader, 'the runner to create its store', 45_000)
    const watcher = new Database(file, { readonly: true, fileMustExist: true })

    // WAL: open a read transaction after the first commit and hold it while the runner commits the next one.
    await pollUntil(() => (resultIds(watcher).length >= 1 ? true : undefined), 'the first committed result', 45_000)
    reader.exec('BEGIN')
    const snapshot = resultIds(reader)
    const afterCommit = await pollUntil(
      () => (resultIds(watcher).length > snapshot.length ? resultIds(watcher) : undefined),
      'a commit while a reader holds a transaction',
      30_000,
    )
    expect(resultIds(reader)).toEqual(snapshot) // the reader's snapshot did not move under it
    reader.exec('COMMIT')
    expect(resultIds(reader).length).toBeGreaterThanOrEqual(afterCommit.length)

    // Kill as soon as two results are committed; remember exactly which ones were.
    const committed = await pollUntil(() => (resultIds(watcher).length >= 2 ? resultIds(watcher) : undefined), 'two committed results', 30_000, 5)
    cli.child.kill('SIGKILL')
    expect(await cli.exited).toEqual({ code: null, signal: 'SIGKILL' })
    reader.close()
    watcher.close()

    const store = new LabStore(file)
    try {
      const [run] = store.listRuns()
      if (run === undefined) throw new Error('the killed run left no run row')
      expect(run.status).toBe('running') // nobody has recovered it yet
      expect(run.resultCount).toBeLessThan(run.scenarioCount) // killed mid-run, not after
      expect(store.integrityCheck()).toBe('ok')
      expect(store.db.pragma('foreign_key_check')).toEqual([])

      const results = store.getResults(run.id)
      const lost = committed.filter((id) => !resultIds(store.db).includes(id))
      expect(lost).toEqual([])
      expect(results.length).toBeGreaterThanOrEqual(committed.length)
      console.info(`SIGKILL durability: ${committed.length} results committed before the kill, ${results.length} of ${run.scenarioCount} stored after, ${lost.length} lost`)
      for (const result of results) {
        expect({ scenario: result.scenarioId, steps: result.steps.map((s) => s.step) }).toEqual({ scenario: result.scenarioId, steps: [...STEP_IDS] })
        const topology = findScenario(result.scenarioId)?.topology.kind
        const connections = result.connections.length
        expect({ scenario: result.scenarioId, hasConnections: connections > 0 }).toEqual({ scenario: result.scenarioId, hasConnections: topology !== 'direct' })
        expect(result.client).not.toBeNull()
      }
    } finally {
      store.close()
    }

    // The next start: a real second `mitmlab run` on the same data directory.
    const next = startCli(['run', '--data-dir', dataDir, '--quiet', '--scenario', 'direct-connection'])
    started.push(next)
    expect(await next.exited).toEqual({ code: 0, signal: null })
    expect(next.output().stderr).toMatch(/Marked 1 interrupted run\(s\) as aborted: \S+/)

    const after = new LabStore(file)
    try {
      const runs = after.listRuns()
      expect(runs.map((r) => r.status).sort()).toEqual(['aborted', 'passed'])
      const aborted = runs.find((r) => r.status === 'aborted')
      expect(aborted?.finishedAt).not.toBeNull()
      expect(after.getResults(aborted?.id ?? '').length).toBeGreaterThanOrEqual(committed.length)
      expect(after.integrityCheck()).toBe('ok')
    } finally {
      after.close()
    }
  }, 120_000)
})
