import { describe, expect, it } from 'vitest'
import { catalogFamily } from '../../scenarios/catalog/index.js'
import { spkiSha256Base64 } from '../../server/x509/index.js'
import { testPki } from '../support/lab-pki.js'
import { outcomeOf, runCatalogScenario, type PinnedOutcome } from './catalog-run.js'

const pki = testPki()
const scenarios = catalogFamily('strategies')
const byId = (id: string) => {
  const scenario = scenarios.find((s) => s.id === id)
  if (scenario === undefined) throw new Error(`scenario ${id} missing`)
  return scenario
}

const accepted: PinnedOutcome = { verdict: 'accept', step: null, code: null, leaked: true }

/** Forging strategies of real interceptors, all under the CA the victim installed. */
const EXPECTED: Record<string, PinnedOutcome> = {
  'mitmproxy-copied-identity': accepted,
  'mitmproxy-ca-key-as-leaf-key': { verdict: 'reject', step: 'PIN', code: 'PIN_MISMATCH', leaked: false },
  'mockttp-shared-leaf-key': accepted,
  'fresh-key-per-host-pinned': { verdict: 'reject', step: 'PIN', code: 'PIN_MISMATCH', leaked: false },
  'bettercap-cloned-weak-key': { verdict: 'reject', step: 'ALG', code: 'WEAK_RSA_KEY', leaked: false },
}

describe('catalog: forging strategies, live', () => {
  it('pins an outcome for every strategy scenario file', () => {
    expect(scenarios.map((s) => s.id).sort()).toEqual(Object.keys(EXPECTED).sort())
  })

  for (const scenario of scenarios) {
    const expected = EXPECTED[scenario.id]
    it(`${scenario.id}: ${expected?.step === null ? 'accepted, credentials leak' : `caught by ${expected?.step} ${expected?.code}`}`, async () => {
      const result = await runCatalogScenario(pki, scenario)
      expect(result.error).toBeNull()
      expect(outcomeOf(result)).toEqual(expected)
      expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
    })
  }

  it('mitmproxy: the forged leaf carries the genuine certificate\'s names, under another issuer', async () => {
    const result = await runCatalogScenario(pki, byId('mitmproxy-copied-identity'))
    const [forged, issuer] = result.client?.presentedChain ?? []
    expect(forged?.sans.map((san) => san.value)).toEqual(['bank.lab', 'www.bank.lab', 'localhost', '127.0.0.1', '::1'])
    expect(forged?.subject).toBe('CN=bank.lab')
    expect(issuer?.subject).toContain('Corporate TLS Inspection CA')
  })

  it('mitmproxy: the leaf\'s key is the CA\'s key, visible in the served chain', async () => {
    const result = await runCatalogScenario(pki, byId('mitmproxy-ca-key-as-leaf-key'))
    const [leaf, ca] = result.client?.presentedChain ?? []
    expect(leaf?.spkiSha256).toBe(ca?.spkiSha256)
    expect(leaf?.spkiSha256).toBe(spkiSha256Base64(pki.interceptionCa.key.spkiDer))
  })

  it('mockttp: two attacks present the same leaf key; fresh-key forging does not', async () => {
    const leafKey = async (id: string, ordinal: number): Promise<string | undefined> =>
      (await runCatalogScenario(pki, byId(id), ordinal)).client?.presentedChain[0]?.spkiSha256
    expect(await leafKey('mockttp-shared-leaf-key', 0)).toBe(await leafKey('mockttp-shared-leaf-key', 1))
    expect(await leafKey('fresh-key-per-host-pinned', 0)).not.toBe(await leafKey('fresh-key-per-host-pinned', 1))
  })
})
