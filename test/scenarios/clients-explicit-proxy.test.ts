import { beforeAll, describe, expect, it } from 'vitest'
import type { ClientDriver } from '../../server/drivers/client-driver.js'
import { curlDriver } from '../../server/drivers/curl-driver.js'
import { createNodeHttpsDriver } from '../../server/drivers/node-https-driver.js'
import { createPythonDriver } from '../../server/drivers/python-driver.js'
import type { ScenarioResult } from '../../server/lab/scenario-result.js'
import { probeClient } from '../support/installed-client.js'
import { testPki } from '../support/lab-pki.js'
import { cellOf, resultOf, runWithClients } from '../server/drivers/run-with-clients.js'

// Regression (issue 22): in the two explicit-proxy scenarios every real client was pointed at the
// proxy's port as if it were bank.lab, sent a ClientHello to a server waiting for CONNECT, and
// timed out — 14 clients × 2 scenarios of "unmapped" timeouts. node-https and curl are told an
// address (they start with a ClientHello); python-urllib takes a proxy and sends CONNECT itself.
const candidates: ClientDriver[] = [curlDriver, createPythonDriver('urllib')]
const checked = candidates.map((driver) => ({ driver, probe: probeClient(driver.id) }))
const drivers: ClientDriver[] = [createNodeHttpsDriver({ insecure: false }), ...checked.filter((entry) => entry.probe.isInstalled).map((entry) => entry.driver)]
const skipped = checked.flatMap((entry) => (entry.probe.isInstalled ? [] : [`${entry.driver.id}: ${entry.probe.reason}`]))
const ids = drivers.map((driver) => driver.id)

describe(`real clients behind an explicit proxy${skipped.length > 0 ? ` (skipped ${skipped.join('; ')})` : ''}`, () => {
  let results: ScenarioResult[] = []
  beforeAll(async () => {
    results = await runWithClients(testPki(), ['explicit-proxy-rogue-wpad', 'explicit-proxy-corporate-inspection'], drivers)
  }, 120_000)

  it.each(ids)('%s refuses the rogue WPAD proxy’s forged chain, mapped to TRUST, and leaks nothing', (clientId) => {
    const result = resultOf(results, 'explicit-proxy-rogue-wpad', clientId)
    expect(cellOf(result)).toEqual({ verdict: 'reject', step: 'TRUST', isMapped: true, error: null })
    expect(result.external?.rawError).not.toMatch(/time[d ]? ?out|ECONNRESET|EOF/i)
    expect(result.leaked).toBe(false)
    expect(result.asExpected).toBe(true)
  })

  it.each(ids)('%s accepts the corporate proxy’s inspection CA and the login reaches the server through it', (clientId) => {
    const result = resultOf(results, 'explicit-proxy-corporate-inspection', clientId)
    expect(cellOf(result)).toEqual({ verdict: 'accept', step: null, isMapped: false, error: null })
    expect(result.leaked).toBe(true)
    expect(result.genuine.requests.some((request) => request.method === 'POST' && request.path === '/login')).toBe(true)
    expect(result.asExpected).toBe(true)
  })
})
