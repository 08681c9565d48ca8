import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findScenario, type Scenario } from '../../../scenarios/index.js'
import { runScenarios } from '../../../scenarios/runner.js'
import { createLabQueries } from '../../../server/api/lab-queries.js'
import { LiveRunTracker } from '../../../server/api/live-run-tracker.js'
import { LabBus } from '../../../server/bus/lab-bus.js'
import { createNodeHttpsDriver } from '../../../server/drivers/node-https-driver.js'
import { LabStore } from '../../../server/store/lab-store.js'
import { testPki } from '../../support/lab-pki.js'

const scenario = (id: string): Scenario => {
  const found = findScenario(id)
  if (found === undefined) throw new Error(`no scenario ${id}`)
  return found
}

describe('a multi-client run in (scenario, client) units, as the socket contract gives it', () => {
  it('counts 3 scenarios × 3 clients, lists each client with its version, and grades each one', async () => {
    const store = new LabStore(join(mkdtempSync(join(tmpdir(), 'mitmlab-summary-')), 'mitmlab.sqlite'))
    // node-https verifies like a browser; node-insecure (rejectUnauthorized: false) accepts every forged chain.
    const drivers = [createNodeHttpsDriver({ insecure: false }), createNodeHttpsDriver({ insecure: true })]
    const { run } = await runScenarios(
      { pki: testPki(), bus: new LabBus(), store, drivers },
      {
        scenarios: [scenario('direct-connection'), scenario('wrong-host'), scenario('sslstrip-first-visit')],
        trigger: 'test',
        options: { clientVersions: { 'node-https': 'node v24 (test)', 'node-insecure': 'node v24 (test)' } },
      },
    )
    const queries = createLabQueries(store, { catalog: [], genuineChain: [], canRun: false }, new LiveRunTracker())
    const listed = queries.runs().find((candidate) => candidate.id === run.id)
    expect(listed?.shape).toEqual({
      scenarios: 3,
      clients: [
        { clientId: 'lab-verifier', version: null, results: 3, asExpected: 3 },
        { clientId: 'node-https', version: 'node v24 (test)', results: 3, asExpected: 3 },
        { clientId: 'node-insecure', version: 'node v24 (test)', results: 3, asExpected: 2 },
      ],
      results: 9,
      asExpected: 8,
      label: '3 scenarios × 3 clients, 8/9 as expected',
    })
    const detail = queries.run(run.id)
    if (!detail.ok) throw new Error(detail.message)
    const cards = (detail.value.clients ?? []).map((c) => ({
      client: c.clientId,
      falseAccepts: c.falseAccepts,
      notExercised: c.notExercised,
      fallsFor: c.fallsFor,
      grade: c.grade.grade,
    }))
    // Node's https module cannot type a bare name: sslstrip-first-visit is not exercised on it, not a false accept.
    expect(cards).toEqual([
      { client: 'lab-verifier', falseAccepts: 0, notExercised: 0, fallsFor: [], grade: 'A' },
      { client: 'node-https', falseAccepts: 0, notExercised: 1, fallsFor: [], grade: 'A' },
      { client: 'node-insecure', falseAccepts: 1, notExercised: 1, fallsFor: ['hostname'], grade: 'F' },
    ])
    expect(detail.value.clients?.[2]?.grade.reason).toBe('capped at F: accepts certificates for another name: any site owner can impersonate the bank (1 attack caught by HOST)')
    store.close()
  }, 60_000)
})
