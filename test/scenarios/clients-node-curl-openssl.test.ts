import { beforeAll, describe, expect, it } from 'vitest'
import { curlDriver } from '../../server/drivers/curl-driver.js'
import { createNodeHttpsDriver } from '../../server/drivers/node-https-driver.js'
import { opensslDriver } from '../../server/drivers/openssl-driver.js'
import type { ScenarioResult } from '../../server/lab/scenario-result.js'
import { testPki } from '../support/lab-pki.js'
import { cellOf, resultOf, runWithClients } from '../server/drivers/run-with-clients.js'

const SCENARIOS = [
  'direct-connection',
  'self-signed-leaf',
  'wrong-host',
  'installed-interception-ca',
] as const
const CLIENTS = ['node-https', 'curl', 'openssl'] as const

/** What each real client said, verbatim, for the rejections: the rows of its table these must hit. */
const RAW_ERRORS: Record<(typeof CLIENTS)[number], { selfSigned: RegExp; wrongHost: RegExp }> = {
  'node-https': {
    // Node 24 appends its hint about the system CA store to the verification error.
    selfSigned: /^DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate; if the root CA is installed locally, try running Node\.js with --use-system-ca$/,
    wrongHost: /^ERR_TLS_CERT_ALTNAME_INVALID: .*bank\.lab.*evil\.lab/,
  },
  curl: {
    selfSigned: /^exit 60: curl: \(60\) SSL certificate problem: self-signed certificate$/,
    wrongHost:
      /^exit 60: curl: \(60\) SSL: no alternative certificate subject name matches target host name 'bank\.lab'$/,
  },
  openssl: {
    selfSigned: /^exit 1: verify error:num=18:self-signed certificate$/,
    wrongHost: /^exit 1: verify error:num=62:hostname mismatch$/,
  },
}

describe('real clients Node https, curl and openssl s_client against live scenarios', () => {
  let results: ScenarioResult[] = []
  beforeAll(async () => {
    results = await runWithClients(testPki(), SCENARIOS, [
      createNodeHttpsDriver({ insecure: false }),
      curlDriver,
      opensslDriver,
    ])
  }, 90_000)

  it.each(CLIENTS)('%s accepts the direct connection and completes the login (HTTP 302)', (clientId) => {
    const result = resultOf(results, 'direct-connection', clientId)
    expect(cellOf(result)).toEqual({ verdict: 'accept', step: null, isMapped: false, error: null })
    expect(result.external?.output).toContain('302')
    expect(
      result.genuine.requests.some((request) => request.method === 'POST' && request.path === '/login'),
    ).toBe(true)
    expect(result.asExpected).toBe(true)
  })

  it.each(CLIENTS)('%s rejects a self-signed leaf, mapped to TRUST', (clientId) => {
    const result = resultOf(results, 'self-signed-leaf', clientId)
    expect(cellOf(result)).toEqual({ verdict: 'reject', step: 'TRUST', isMapped: true, error: null })
    expect(result.external?.rawError).toMatch(RAW_ERRORS[clientId].selfSigned)
    expect(result.code).toBe('CLIENT_REJECTED')
    expect(result.leaked).toBe(false)
  })

  it.each(CLIENTS)('%s rejects a certificate for another host, mapped to HOST', (clientId) => {
    const result = resultOf(results, 'wrong-host', clientId)
    expect(cellOf(result)).toEqual({ verdict: 'reject', step: 'HOST', isMapped: true, error: null })
    expect(result.external?.rawError).toMatch(RAW_ERRORS[clientId].wrongHost)
  })

  it.each(CLIENTS)(
    '%s accepts interception by a CA the victim installed, and the credentials leak',
    (clientId) => {
      const result = resultOf(results, 'installed-interception-ca', clientId)
      expect(cellOf(result)).toEqual({ verdict: 'accept', step: null, isMapped: false, error: null })
      expect(result.leaked).toBe(true)
    },
  )

  it('judges each client on its own connections only', () => {
    for (const clientId of CLIENTS) {
      const result = resultOf(results, 'installed-interception-ca', clientId)
      expect(result.connections).toHaveLength(1)
    }
  })
})
