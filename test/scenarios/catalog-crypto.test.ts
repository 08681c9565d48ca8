import { describe, expect, it } from 'vitest'
import { catalogFamily } from '../../scenarios/catalog/index.js'
import { testPki } from '../support/lab-pki.js'
import { outcomeOf, runCatalogScenario, type PinnedOutcome } from './catalog-run.js'

const pki = testPki()
const scenarios = catalogFamily('crypto')

const reject = (code: string): PinnedOutcome => ({ verdict: 'reject', step: 'ALG', code, leaked: false })

/** Crypto policy: weak hashes, weak keys and explicit curves are all caught at ALG. */
const EXPECTED: Record<string, PinnedOutcome> = {
  'md5-signed-leaf': reject('WEAK_SIGNATURE_HASH'),
  'sha1-signed-leaf': reject('WEAK_SIGNATURE_HASH'),
  'sha1-signed-intermediate': reject('WEAK_SIGNATURE_HASH'),
  'rsa-1024-leaf': reject('WEAK_RSA_KEY'),
  'rsa-1024-intermediate': reject('WEAK_RSA_KEY'),
  'explicit-curve-intermediate': reject('EC_EXPLICIT_PARAMETERS'),
}

const WEAK_HASH = new Set(['md5-signed-leaf', 'sha1-signed-leaf', 'sha1-signed-intermediate'])
// OpenSSL 3.5 (Node 24) also refuses to load RSA keys under 2048 bits at its default level 2.
const WEAK_KEY = new Set(['rsa-1024-leaf', 'rsa-1024-intermediate'])

describe('catalog: crypto policy, live', () => {
  it('pins an outcome for every crypto scenario file', () => {
    expect(scenarios.map((s) => s.id).sort()).toEqual(Object.keys(EXPECTED).sort())
  })

  it('asks the proxy for OpenSSL security level 0 exactly where the chain carries MD5, SHA-1 or an RSA key under 2048 bits', () => {
    for (const scenario of scenarios) {
      const ciphers = scenario.topology.kind === 'intercept' ? scenario.topology.clientFacingTls?.ciphers : undefined
      expect([scenario.id, ciphers]).toEqual([scenario.id, WEAK_HASH.has(scenario.id) || WEAK_KEY.has(scenario.id) ? 'DEFAULT@SECLEVEL=0' : undefined])
    }
  })

  for (const scenario of scenarios) {
    const expected = EXPECTED[scenario.id]
    // The weak-hash chains need the runner to pass clientFacingTls.ciphers (SECLEVEL=0) to the proxy: if it does not, this fails.
    it(`${scenario.id}: caught by ALG ${expected?.code}`, async () => {
      const result = await runCatalogScenario(pki, scenario)
      expect(result.error).toBeNull()
      expect(outcomeOf(result)).toEqual(expected)
      expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
    })
  }

  it('shows the weak key in the trace: an RSA-1024 leaf', async () => {
    const weak = scenarios.find((s) => s.id === 'rsa-1024-leaf')
    if (weak === undefined) throw new Error('scenario missing')
    const result = await runCatalogScenario(pki, weak)
    expect(result.client?.presentedChain[0]?.publicKey).toBe('RSA-1024')
  })
})
