import { spawnSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { tstclntDriver } from '../../../server/drivers/tstclnt-driver.js'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'
import { testPki } from '../../support/lab-pki.js'
import { cellOf, resultOf, runWithClients } from './run-with-clients.js'

// CI installs Debian libnss3-tools (tstclnt, certutil). Checked with `which`, not by running the driver under test.
const missing = ['tstclnt', 'certutil'].filter((program) => spawnSync('which', [program]).status !== 0)
const title = `NSS tstclnt trusting the lab roots through an NSS database${missing.length === 0 ? '' : ` (skipped: ${missing.join(', ')} not on PATH; Debian package libnss3-tools)`}`

describe.skipIf(missing.length > 0)(title, () => {
  let results: ScenarioResult[] = []
  beforeAll(async () => {
    results = await runWithClients(
      testPki(),
      ['direct-connection', 'self-signed-leaf', 'wrong-host', 'expired-leaf', 'installed-interception-ca'],
      [tstclntDriver],
    )
  }, 120_000)

  it('sends the login POST on the direct connection and reads the 302', () => {
    const result = resultOf(results, 'direct-connection', 'nss-tstclnt')
    expect(cellOf(result)).toEqual({ verdict: 'accept', step: null, isMapped: false, error: null })
    expect(result.external?.output).toBe('HTTP 302')
    expect(result.genuine.requests.filter((request) => request.method === 'POST').map((request) => request.path)).toEqual(['/login'])
  })

  // NSS's classic verifier finds the self-signed leaf as its own issuer and refuses it as a CA (not a CA: basic constraints).
  it('refuses a self-signed leaf with SEC_ERROR_CA_CERT_INVALID → BC', () => {
    const result = resultOf(results, 'self-signed-leaf', 'nss-tstclnt')
    expect(cellOf(result)).toEqual({ verdict: 'reject', step: 'BC', isMapped: true, error: null })
    expect(result.external?.rawError).toBe(
      'exit 254: tstclnt: authentication of server cert failed: SEC_ERROR_CA_CERT_INVALID: Issuer certificate is invalid.',
    )
  })

  it('refuses another host’s certificate with SSL_ERROR_BAD_CERT_DOMAIN → HOST', () => {
    const result = resultOf(results, 'wrong-host', 'nss-tstclnt')
    expect(cellOf(result)).toEqual({ verdict: 'reject', step: 'HOST', isMapped: true, error: null })
    expect(result.external?.rawError).toMatch(/^exit 254: tstclnt: authentication of server cert failed: SSL_ERROR_BAD_CERT_DOMAIN: /)
  })

  it('refuses an expired leaf with SEC_ERROR_EXPIRED_CERTIFICATE → DATES', () => {
    const result = resultOf(results, 'expired-leaf', 'nss-tstclnt')
    expect(cellOf(result)).toEqual({ verdict: 'reject', step: 'DATES', isMapped: true, error: null })
    expect(result.external?.rawError).toMatch(/^exit 254: tstclnt: authentication of server cert failed: SEC_ERROR_EXPIRED_CERTIFICATE: /)
  })

  it('accepts the interception CA installed in its database, and the proxy reads the password', () => {
    const result = resultOf(results, 'installed-interception-ca', 'nss-tstclnt')
    expect(cellOf(result)).toEqual({ verdict: 'accept', step: null, isMapped: false, error: null })
    expect(result.leaked).toBe(true)
  })
})
