import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scenarios as allScenarios } from '../../scenarios/index.js'
import { runScenarios } from '../../scenarios/runner.js'
import { LabBus } from '../../server/bus/lab-bus.js'
import { curlDriver } from '../../server/drivers/curl-driver.js'
import type { ScenarioResult } from '../../server/lab/scenario-result.js'
import { LabStore } from '../../server/store/lab-store.js'
import { testPki } from '../support/lab-pki.js'

/**
 * Issue 19: `--jobs N` runs N scenarios at once. The same subset run with
 * jobs 1 and jobs 4 must give the same verdicts, and both must record and
 * return them in catalog order. The subset spans controls, chain attacks, an
 * accepted interception, a handshake-tamper, key possession and sslstrip,
 * with curl (a real client) beside the lab's verifier.
 */
const SUBSET = new Set([
  'direct-connection',
  'tcp-passthrough',
  'self-signed-leaf',
  'wrong-host',
  'expired-leaf',
  'leaf-used-as-ca',
  'installed-interception-ca',
  'tampered-leaf-signature',
  'name-constraints-dns-outside',
  'sslstrip-first-visit',
  'sslstrip-hsts-preloaded',
  'key-possession-tls13',
  'record-bit-flip',
])
/** Catalog order, whatever order the set above was written in. */
const SCENARIOS = allScenarios.filter((scenario) => SUBSET.has(scenario.id))

/** (scenario, client) → verdict and catching step, as the catalog and curl's error table say. */
const EXPECTED: Record<string, { lab: string; curl: string }> = {
  'direct-connection': { lab: 'accept', curl: 'accept' },
  'tcp-passthrough': { lab: 'accept', curl: 'accept' },
  'self-signed-leaf': { lab: 'reject TRUST', curl: 'reject TRUST' },
  'wrong-host': { lab: 'reject HOST', curl: 'reject HOST' },
  'expired-leaf': { lab: 'reject DATES', curl: 'reject DATES' },
  'leaf-used-as-ca': { lab: 'reject BC', curl: 'reject BC' },
  'installed-interception-ca': { lab: 'accept', curl: 'accept' },
  'tampered-leaf-signature': { lab: 'reject SIG', curl: 'reject SIG' },
  'name-constraints-dns-outside': { lab: 'reject NC', curl: 'reject NC' },
  'sslstrip-first-visit': { lab: 'accept', curl: 'accept' },
  'sslstrip-hsts-preloaded': { lab: 'reject HSTS', curl: 'reject HSTS' },
  'key-possession-tls13': { lab: 'reject HS', curl: 'reject HS' },
  'record-bit-flip': { lab: 'reject REC', curl: 'reject REC' },
}

interface Verdict {
  scenario: string
  client: string
  verdict: string
  step: string | null
  code: string | null
  leaked: boolean
  asExpected: boolean
}

const verdictOf = (result: ScenarioResult): Verdict => ({
  scenario: result.scenarioId,
  client: result.clientId,
  verdict: result.verdict,
  step: result.catchingStep,
  code: result.code,
  leaked: result.leaked,
  asExpected: result.asExpected,
})

interface JobsRun {
  returned: ScenarioResult[]
  stored: ScenarioResult[]
  /** The most scenarios that were between their first start and their results at once. */
  maxInFlight: number
}

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function runWithJobs(jobs: number): Promise<JobsRun> {
  const dir = mkdtempSync(join(tmpdir(), `mitmlab-jobs-${jobs}-`))
  dirs.push(dir)
  const store = new LabStore(join(dir, 'mitmlab.sqlite'))
  const bus = new LabBus()
  const inFlight = new Set<string>()
  let maxInFlight = 0
  bus.use({
    'scenario:started': ({ scenarioId }) => {
      inFlight.add(scenarioId)
      maxInFlight = Math.max(maxInFlight, inFlight.size)
    },
    'scenario:finished': ({ result }) => {
      inFlight.delete(result.scenarioId)
    },
  })
  try {
    const { run, results } = await runScenarios({ pki: testPki(), bus, store, drivers: [curlDriver] }, { scenarios: SCENARIOS, trigger: 'test', jobs })
    return { returned: results, stored: store.getResults(run.id), maxInFlight }
  } finally {
    store.close()
  }
}

describe('runScenarios with --jobs', () => {
  const runs = new Map<number, JobsRun>()
  beforeAll(async () => {
    // One after the other: jobs 4 must not compete with jobs 1 for the same two cores.
    runs.set(1, await runWithJobs(1))
    runs.set(4, await runWithJobs(4))
  }, 240_000)

  const runOf = (jobs: number): JobsRun => {
    const run = runs.get(jobs)
    if (run === undefined) throw new Error(`no run with jobs ${jobs}`)
    return run
  }

  it('the subset spans controls, chain attacks, handshake tampering and sslstrip, in catalog order', () => {
    expect(SCENARIOS.map((scenario) => scenario.id).sort()).toEqual([...SUBSET].sort())
    expect(new Set(SCENARIOS.map((scenario) => scenario.kind))).toEqual(new Set(['control', 'attack']))
  })

  it.each([1, 4])('jobs %i: every result as the catalog and curl\'s table say, nothing unexpected', (jobs) => {
    const cells = runOf(jobs).returned.map((result) => ({
      scenario: result.scenarioId,
      client: result.clientId,
      cell: `${result.verdict}${result.catchingStep === null ? '' : ` ${result.catchingStep}`}`,
    }))
    const expected = SCENARIOS.flatMap((scenario) => [
      { scenario: scenario.id, client: 'lab-verifier', cell: EXPECTED[scenario.id]?.lab },
      { scenario: scenario.id, client: 'curl', cell: EXPECTED[scenario.id]?.curl },
    ])
    expect(cells).toEqual(expected)
    expect(runOf(jobs).returned.filter((result) => !result.asExpected).map((result) => `${result.scenarioId} [${result.clientId}]: ${result.mismatches.join('; ')}`)).toEqual([])
  })

  it('jobs 1 and jobs 4 give identical verdicts: scenario, client, verdict, step, code, leaked, as expected', () => {
    expect(runOf(4).returned.map(verdictOf)).toEqual(runOf(1).returned.map(verdictOf))
    expect(runOf(4).returned.filter((result) => result.leaked).map((result) => `${result.scenarioId} [${result.clientId}]`)).toEqual([
      'installed-interception-ca [lab-verifier]',
      'installed-interception-ca [curl]',
      'sslstrip-first-visit [lab-verifier]',
      'sslstrip-first-visit [curl]',
    ])
  })

  it.each([1, 4])('jobs %i: returned and stored in catalog order, ordinals the catalog positions', (jobs) => {
    const { returned, stored } = runOf(jobs)
    const order = (results: ScenarioResult[]): string[] => results.map((result) => `${result.ordinal} ${result.scenarioId} ${result.clientId}`)
    const catalogOrder = SCENARIOS.flatMap((scenario, ordinal) => [`${ordinal} ${scenario.id} curl`, `${ordinal} ${scenario.id} lab-verifier`])
    // The store reads back by ordinal, then client id (alphabetical): curl before lab-verifier.
    expect(order(stored)).toEqual(catalogOrder)
    expect(stored.map(verdictOf)).toEqual([...returned].sort((a, b) => a.ordinal - b.ordinal || a.clientId.localeCompare(b.clientId)).map(verdictOf))
    expect(returned.map((result) => result.scenarioId)).toEqual(SCENARIOS.flatMap((scenario) => [scenario.id, scenario.id]))
  })

  it('jobs 1 runs one scenario at a time; jobs 4 really overlaps them', () => {
    expect(runOf(1).maxInFlight).toBe(1)
    expect(runOf(4).maxInFlight).toBeGreaterThan(1)
  })
})
