import { beforeAll, describe, expect, it } from 'vitest'
import { scenarios } from '../../../scenarios/index.js'
import type { LabDelta, ResultDto, RunDetailDto, ScenarioDto } from '../../../server/api/contract.js'
import { toResultDto, toScenarioDto } from '../../../server/api/dto.js'
import { createNodeHttpsDriver } from '../../../server/drivers/node-https-driver.js'
import { buildClientMatrix } from '../../../dashboard/src/model/client-matrix.js'
import { summarizeClients } from '../../../dashboard/src/model/client-summary.js'
import { buildMatrixRows, filterRows } from '../../../dashboard/src/model/matrix.js'
import { pageProblems } from '../../../dashboard/src/model/page-problems.js'
import { referenceHref } from '../../../dashboard/src/model/reference-link.js'
import { applyDeltas, emptyRunView, resultFor, runViewFromDetail } from '../../../dashboard/src/model/run-view.js'
import { summarizeRun } from '../../../dashboard/src/model/run-summary.js'
import { testPki } from '../../support/lab-pki.js'
import { runWithClients } from '../../server/drivers/run-with-clients.js'

const IDS = ['direct-connection', 'wrong-host', 'sslstrip-first-visit'] as const
const CLIENTS = ['node-https', 'node-insecure'] as const
let detail: RunDetailDto
let catalog: ScenarioDto[]

beforeAll(async () => {
  const results = (await runWithClients(testPki(), IDS, [createNodeHttpsDriver({ insecure: false }), createNodeHttpsDriver({ insecure: true })])).map(toResultDto)
  catalog = scenarios.map(toScenarioDto)
  const run = {
    id: 'clients-test',
    startedAt: '2026-12-05T12:00:00.000Z',
    finishedAt: '2026-12-05T12:00:05.000Z',
    status: 'passed' as const,
    trigger: 'test',
    options: { scenarios: [...IDS], clients: [...CLIENTS] },
    scenarioCount: IDS.length,
    resultCount: results.length,
    caughtCount: 0,
    leakedCount: 0,
    unexpectedCount: 0,
  }
  detail = { run, results, liveSteps: [] }
}, 60_000)

describe('the client dimension of a run', () => {
  it("keeps every client's result for a scenario, not only the last one's", () => {
    const view = runViewFromDetail(detail)
    expect(view.clientIds).toEqual(['lab-verifier', 'node-https', 'node-insecure'])
    expect(view.results.size).toBe(9)
    expect(resultFor(view, 'wrong-host', 'lab-verifier')?.verdict).toBe('reject')
    expect(resultFor(view, 'wrong-host', 'node-https')?.catchingStep).toBe('HOST')
    expect(resultFor(view, 'wrong-host', 'node-insecure')?.verdict).toBe('accept')
    // The step matrix of one client shows that client's row.
    expect(buildMatrixRows(catalog, view, 'node-insecure').find((row) => row.scenario.id === 'wrong-host')?.outcome).toBe('leaked')
    expect(buildMatrixRows(catalog, view).find((row) => row.scenario.id === 'wrong-host')?.clientId).toBe('lab-verifier')
  })

  it('judges each pair: a false accept is loud, a client that never met sslstrip is not exercised', () => {
    const rows = buildClientMatrix(catalog, runViewFromDetail(detail))
    const verdicts = Object.fromEntries(rows.map((row) => [row.scenario.id, row.cells.map((cell) => `${cell.clientId}:${cell.verdict}`)]))
    expect(verdicts).toEqual({
      'direct-connection': ['lab-verifier:accepted', 'node-https:accepted', 'node-insecure:accepted'],
      'wrong-host': ['lab-verifier:caught', 'node-https:caught', 'node-insecure:accepted-attack'],
      'sslstrip-first-visit': ['lab-verifier:unstoppable', 'node-https:not-exercised', 'node-insecure:not-exercised'],
    })
    expect(rows.find((row) => row.scenario.id === 'wrong-host')?.hasWrongAnswer).toBe(true)
  })

  it('counts per client and per run in (scenario, client) results, never "6/3 scenarios"', () => {
    const view = runViewFromDetail(detail)
    const cards = summarizeClients(buildClientMatrix(catalog, view), view.clientIds, view.run)
    const insecure = cards.find((card) => card.clientId === 'node-insecure')
    expect(insecure).toMatchObject({ falseAccepts: 1, attacks: 1, falseRejects: 0, controls: 1, notExercised: 1, fellFor: ['wrong-host'], grade: null })
    expect(insecure?.families.map((f) => f.tag)).toContain('names')
    expect(cards.find((card) => card.clientId === 'lab-verifier')).toMatchObject({ falseAccepts: 0, attacks: 2, notExercised: 0 })
    const summary = summarizeRun(view.run, view, catalog)
    expect(summary).toMatchObject({ scenarioCount: 3, clientCount: 3, total: 9, done: 9 })
    expect(summary.scenarioNames[0]).toBe(catalog.find((s) => s.id === 'direct-connection')?.title)
  })

  it('applies live deltas per client: a second client finishing does not replace the first', () => {
    const wrongHost = detail.results.filter((r) => r.scenarioId === 'wrong-host')
    const started = emptyRunView({ ...detail.run, status: 'running' }, ['wrong-host'])
    const deltas: LabDelta[] = wrongHost.map((result: ResultDto) => ({ type: 'scenario:finished', sentAt: 0, result }))
    const view = applyDeltas(new Map([[detail.run.id, started]]), deltas).get(detail.run.id)
    expect(view?.results.size).toBe(3)
    expect(view === undefined ? [] : CLIENTS.map((c) => resultFor(view, 'wrong-host', c)?.clientId)).toEqual([...CLIENTS])
  })

  it('finds rows by client, step, code and outcome in the search box', () => {
    const rows = buildMatrixRows(catalog, runViewFromDetail(detail), 'node-https')
    const ids = (query: string): string[] => filterRows(rows, { tag: null, outcome: 'all', query }).map((row) => row.scenario.id)
    expect(ids('HOST')).toEqual(['wrong-host'])
    expect(ids('node-https #sslstrip')).toEqual(['sslstrip-first-visit'])
    expect(ids('not exercised')).toEqual(['sslstrip-first-visit'])
    expect(ids('no-such-thing')).toEqual([])
  })

  it('names a bad link instead of showing another run', () => {
    const view = runViewFromDetail(detail)
    const base = { replayRunId: null, snapshotError: null, runId: view.run.id, runError: null, view, scenarioId: null, clientId: null }
    expect(pageProblems({ ...base, replayRunId: 'nope-123', snapshotError: 'No run "nope-123"', view: null })[0]?.title).toBe('Cannot replay run “nope-123”')
    expect(pageProblems({ ...base, runId: 'nope-123', runError: 'No run "nope-123"', view: null })[0]?.kind).toBe('run')
    expect(pageProblems({ ...base, scenarioId: 'nope', clientId: 'curl' }).map((p) => p.kind)).toEqual(['scenario', 'client'])
    expect(pageProblems({ ...base, scenarioId: 'wrong-host', clientId: 'node-https' })).toEqual([])
  })

  it('links references that have a stable address and leaves the rest as text', () => {
    expect(referenceHref('RFC 6125 §6')).toBe('https://www.rfc-editor.org/rfc/rfc6125#section-6')
    expect(referenceHref('RFC 8446 §4.4.4')).toBe('https://www.rfc-editor.org/rfc/rfc8446#section-4.4.4')
    expect(referenceHref('RFC 9525')).toBe('https://www.rfc-editor.org/rfc/rfc9525')
    expect(referenceHref('badssl.com wrong.host')).toBe('https://wrong.host.badssl.com/')
    expect(referenceHref('nogotofail invalidhostname')).toBeNull()
  })
})
