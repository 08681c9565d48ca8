import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { findScenario, type Scenario } from '../../scenarios/index.js'
import { runScenarioWithClients } from '../../scenarios/runner.js'
import { LabBus } from '../../server/bus/lab-bus.js'
import { curlDriver } from '../../server/drivers/curl-driver.js'
import { loadCatalog } from '../../server/fingerprint/catalog.js'
import { planImpersonation } from '../../server/fingerprint/impersonate.js'
import type { ScenarioResult } from '../../server/lab/scenario-result.js'
import { testPki } from '../support/lab-pki.js'

const pki = testPki()
const hasCurl = spawnSync('curl', ['--version']).status === 0

function scenario(id: string): Scenario {
  const found = findScenario(id)
  if (found === undefined) throw new Error(`no scenario ${id}`)
  return found
}

/** The genuine server's FP verdict and the fields it found different, per client. */
function fingerprintOf(results: ScenarioResult[], clientId: string): { status: string | undefined; fields: string[] } {
  const fp = results.find((r) => r.clientId === clientId)?.steps.find((s) => s.step === 'FP')
  const differences = (fp?.detail?.['differences'] ?? []) as { field: string }[]
  return { status: fp?.status, fields: differences.map((d) => d.field) }
}

describe.skipIf(!hasCurl)('server-side detection against an impersonating proxy (the arms race)', () => {
  it('leaves exactly the fields node:tls cannot mirror, plus ALPN the proxy must keep at http/1.1, when curl is the victim', async () => {
    const env = { pki, bus: new LabBus(), store: null, drivers: [curlDriver] }
    const results = await runScenarioWithClients(env, scenario('interception-mirroring-client'), { runId: 'test', ordinal: 0 })
    const curlHello = loadCatalog().entries.find((entry) => entry.clientId === 'curl')?.hello
    if (curlHello === undefined) throw new Error('curl is not in the fingerprint catalog')
    // planImpersonation's own prediction of what cannot be mirrored (post_handshake_auth among the extensions) ...
    const unmirrorable = planImpersonation(curlHello).unmirrorable.map((field) => field.field)
    // ... and ALPN: curl offers h2, the proxy relays HTTP/1.1 only, so it cannot offer h2 upstream.
    expect(fingerprintOf(results, 'curl')).toEqual({ status: 'fail', fields: [...unmirrorable, 'alpn'] })
    // Against the lab's own Node victim the mirror is perfect: detection fails, as the scenario teaches.
    expect(fingerprintOf(results, 'lab-verifier')).toEqual({ status: 'pass', fields: [] })
  })

  it('flags the plain (node-default) proxy for curl on versions, suites and ALPN, but not for a Node victim', async () => {
    const env = { pki, bus: new LabBus(), store: null, drivers: [curlDriver] }
    const results = await runScenarioWithClients(env, scenario('installed-interception-ca'), { runId: 'test', ordinal: 0 })
    expect(fingerprintOf(results, 'curl').status).toBe('fail')
    expect(fingerprintOf(results, 'curl').fields).toEqual(expect.arrayContaining(['supportedVersions', 'cipherSuites', 'alpn']))
    expect(fingerprintOf(results, 'lab-verifier')).toEqual({ status: 'pass', fields: [] })
  })
})
