import { beforeAll, describe, expect, it } from 'vitest'
import { chromiumDriver } from '../../server/drivers/chromium-driver.js'
import type { ScenarioResult } from '../../server/lab/scenario-result.js'
import { probeClient } from '../support/installed-client.js'
import { testPki } from '../support/lab-pki.js'
import { cellOf, resultOf, runWithClients } from '../server/drivers/run-with-clients.js'

// CI installs Debian chromium and libnss3-tools (certutil); elsewhere the reason is in the suite's title.
// Probed with the programs themselves, never with the driver under test (issue 22).
const probe = probeClient('chromium')
const title = `headless Chromium trusting the lab roots through NSS${probe.isInstalled ? '' : ` (skipped: ${probe.reason})`}`

describe.skipIf(!probe.isInstalled)(title, () => {
  let results: ScenarioResult[] = []
  beforeAll(async () => {
    results = await runWithClients(
      testPki(),
      ['direct-connection', 'self-signed-leaf', 'wrong-host', 'installed-interception-ca'],
      [chromiumDriver],
    )
  }, 120_000)

  it('is found by its own driver, installed here', async () => {
    expect(await chromiumDriver.availability()).toMatchObject({ isAvailable: true })
  })

  it('loads the login page, submits the form and gets the 302 on the direct connection', () => {
    const result = resultOf(results, 'direct-connection', 'chromium')
    expect(cellOf(result)).toEqual({ verdict: 'accept', step: null, isMapped: false, error: null })
    expect(result.external?.output).toBe('HTTP 302 https://bank.lab/account')
    expect(
      result.genuine.requests.filter((request) => request.method === 'POST').map((request) => request.path),
    ).toEqual(['/login'])
  })

  it('refuses a self-signed leaf with ERR_CERT_AUTHORITY_INVALID → TRUST', () => {
    const result = resultOf(results, 'self-signed-leaf', 'chromium')
    expect(cellOf(result)).toEqual({ verdict: 'reject', step: 'TRUST', isMapped: true, error: null })
    expect(result.external?.rawError).toBe('net::ERR_CERT_AUTHORITY_INVALID (load the login page)')
  })

  it('refuses another host’s certificate with ERR_CERT_COMMON_NAME_INVALID → HOST', () => {
    const result = resultOf(results, 'wrong-host', 'chromium')
    expect(cellOf(result)).toEqual({ verdict: 'reject', step: 'HOST', isMapped: true, error: null })
    expect(result.external?.rawError).toBe('net::ERR_CERT_COMMON_NAME_INVALID (load the login page)')
  })

  it('accepts the interception CA installed in its NSS database, and posts the credentials to the proxy', () => {
    const result = resultOf(results, 'installed-interception-ca', 'chromium')
    expect(cellOf(result)).toEqual({ verdict: 'accept', step: null, isMapped: false, error: null })
    expect(result.leaked).toBe(true)
  })
})
