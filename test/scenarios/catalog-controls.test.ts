import { describe, expect, it } from 'vitest'
import { catalogFamily } from '../../scenarios/catalog/index.js'
import { testPki } from '../support/lab-pki.js'
import { runCatalogScenario } from './catalog-run.js'

const pki = testPki()
const scenarios = catalogFamily('controls')

const CONTROL_IDS = [
  'reordered-chain',
  'cross-signed-path',
  'expired-alternate-path',
  'extra-junk-certificate',
  'thousand-sans',
  'rsa-4096-leaf',
  'ecdsa-p384-chain',
  'ed25519-leaf',
  'subject-empty-san-only',
  'ip-address-san',
  'matching-wildcard',
  'uppercase-san',
  'unknown-noncritical-extension',
  'rsa-pss-signed-leaf',
  'leaf-without-eku',
]

describe('catalog: controls a correct client must accept, live', () => {
  it('has every control, each expecting accept', () => {
    expect(scenarios.map((s) => s.id).sort()).toEqual([...CONTROL_IDS].sort())
    expect(scenarios.every((s) => s.kind === 'control' && s.expect.verdict === 'accept')).toBe(true)
  })

  for (const scenario of scenarios) {
    it(`${scenario.id}: accepted, every certificate step passes`, async () => {
      const result = await runCatalogScenario(pki, scenario)
      expect(result.error).toBeNull()
      expect({ verdict: result.verdict, step: result.catchingStep, code: result.code, leaked: result.leaked }).toEqual({
        verdict: 'accept', step: null, code: null, leaked: false,
      })
      expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
      expect(result.steps.filter((step) => step.status === 'fail')).toEqual([])
      // The site itself served the chain: no proxy on the path, and the login went through.
      expect(result.connections).toEqual([])
      expect(result.client?.http?.status).toBe(302)
    })
  }

  it('the cross-signed control really offers a dead-end path first', async () => {
    const cross = scenarios.find((s) => s.id === 'cross-signed-path')
    if (cross === undefined) throw new Error('scenario missing')
    const result = await runCatalogScenario(pki, cross)
    expect(result.client?.presentedChain.map((c) => c.issuer)).toEqual([
      'O=mitmlab Trust Services, CN=mitmlab Cross-signed CA',
      'O=Evil Attacker Ltd, CN=Evil Attacker Root CA',
      'O=Evil Attacker Ltd, CN=Evil Attacker Root CA',
      'C=ZZ, O=mitmlab Trust Services, CN=mitmlab Trusted Root CA',
    ])
    expect(result.verdict).toBe('accept')
  })

  it('the 1000-SAN control serves all 1000 names', async () => {
    const large = scenarios.find((s) => s.id === 'thousand-sans')
    if (large === undefined) throw new Error('scenario missing')
    const result = await runCatalogScenario(pki, large)
    expect(result.client?.presentedChain[0]?.sans).toHaveLength(1000)
  })
})
