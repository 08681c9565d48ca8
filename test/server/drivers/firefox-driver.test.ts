import { spawnSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { firefoxDriver } from '../../../server/drivers/firefox-driver.js'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'
import { testPki } from '../../support/lab-pki.js'
import { cellOf, resultOf, runWithClients } from './run-with-clients.js'

// CI installs Debian firefox-esr and libnss3-tools (certutil). Checked with `which`, not by running the driver under test.
const missing = ['firefox-esr', 'certutil'].filter((program) => spawnSync('which', [program]).status !== 0)
const title = `headless Firefox ESR trusting the lab roots through its profile's NSS database${missing.length === 0 ? '' : ` (skipped: ${missing.join(', ')} not on PATH; Debian packages firefox-esr, libnss3-tools)`}`

describe.skipIf(missing.length > 0)(title, () => {
  let results: ScenarioResult[] = []
  beforeAll(async () => {
    // One browser start per scenario: on a loaded 2-core machine that alone can take tens of seconds.
    results = await runWithClients(
      testPki(),
      ['direct-connection', 'self-signed-leaf', 'wrong-host', 'expired-leaf', 'installed-interception-ca', 'sslstrip-hsts-preloaded'],
      [firefoxDriver],
      { scenarioTimeoutMs: 120_000 },
    )
  }, 900_000)

  it('loads the login page, submits the form and gets the 302 on the direct connection', () => {
    const result = resultOf(results, 'direct-connection', 'firefox-esr')
    expect(cellOf(result)).toEqual({ verdict: 'accept', step: null, isMapped: false, error: null })
    expect(result.external?.output).toBe('HTTP 302 https://bank.lab/account')
    expect(result.genuine.requests.filter((request) => request.method === 'POST').map((request) => request.path)).toEqual(['/login'])
  })

  it('refuses a self-signed leaf with MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT → TRUST', () => {
    const result = resultOf(results, 'self-signed-leaf', 'firefox-esr')
    expect(cellOf(result)).toEqual({ verdict: 'reject', step: 'TRUST', isMapped: true, error: null })
    expect(result.external?.rawError).toBe('MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT (load the login page)')
  })

  it('refuses another host’s certificate with SSL_ERROR_BAD_CERT_DOMAIN → HOST', () => {
    const result = resultOf(results, 'wrong-host', 'firefox-esr')
    expect(cellOf(result)).toEqual({ verdict: 'reject', step: 'HOST', isMapped: true, error: null })
    expect(result.external?.rawError).toBe('SSL_ERROR_BAD_CERT_DOMAIN (load the login page)')
  })

  it('refuses an expired leaf with SEC_ERROR_EXPIRED_CERTIFICATE → DATES', () => {
    const result = resultOf(results, 'expired-leaf', 'firefox-esr')
    expect(cellOf(result)).toEqual({ verdict: 'reject', step: 'DATES', isMapped: true, error: null })
    expect(result.external?.rawError).toBe('SEC_ERROR_EXPIRED_CERTIFICATE (load the login page)')
  })

  it('accepts the interception CA installed in its profile, and posts the credentials to the proxy', () => {
    const result = resultOf(results, 'installed-interception-ca', 'firefox-esr')
    expect(cellOf(result)).toEqual({ verdict: 'accept', step: null, isMapped: false, error: null })
    expect(result.leaked).toBe(true)
  })

  it('types http://bank.lab/ with bank.lab in its HSTS store, goes to https:// by itself and leaks nothing → HSTS', () => {
    const result = resultOf(results, 'sslstrip-hsts-preloaded', 'firefox-esr')
    expect(cellOf(result)).toEqual({ verdict: 'reject', step: 'HSTS', isMapped: true, error: null })
    expect(result.external?.output).toBe('HTTP 302 from https://bank.lab/login')
    expect(result.leaked).toBe(false)
  })
})
