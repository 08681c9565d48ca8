import { describe, expect } from 'vitest'
import { sslstripScenarios } from '../../scenarios/live/index.js'
import { itPlaysEachScenario } from './live-expectations.js'

describe('sslstrip and HSTS scenarios, live', () => {
  itPlaysEachScenario(
    sslstripScenarios,
    {
      'http-first-visit-no-attacker': { verdict: 'accept', step: null, code: null, leaked: false },
      'sslstrip-first-visit': { verdict: 'accept', step: null, code: null, leaked: true },
      'sslstrip-hsts-preloaded': { verdict: 'reject', step: 'HSTS', code: 'HSTS_PLAINTEXT_REFUSED', leaked: false },
      'sslstrip-hsts-cached': { verdict: 'reject', step: 'HSTS', code: 'HSTS_PLAINTEXT_REFUSED', leaked: false },
      'sslstrip-hsts-header-stripped': { verdict: 'accept', step: null, code: null, leaked: true },
    },
    (scenario, result) => {
      const visits = result.client?.navigation?.visits ?? []
      if (scenario.id === 'sslstrip-first-visit') {
        expect(visits[0]?.loginSentTo).toBe('http://bank.lab/login')
        // No certificate was ever shown: every TLS step is not applicable.
        expect(result.steps.find((s) => s.step === 'TRUST')?.code).toBe('NOT_APPLICABLE')
      }
      if (scenario.id === 'sslstrip-hsts-cached') {
        expect(visits[0]?.loginSentTo).toBe('https://bank.lab/login')
        expect(visits[1]?.requests[0]).toMatchObject({ url: 'https://bank.lab/', upgradedBy: 'learned' })
      }
      if (scenario.id === 'sslstrip-hsts-preloaded') expect(visits[0]?.requests.map((r) => r.upgradedBy)).toEqual(['preloaded'])
      if (scenario.id === 'http-first-visit-no-attacker') expect(result.client?.http?.status).toBe(302)
    },
  )
})
