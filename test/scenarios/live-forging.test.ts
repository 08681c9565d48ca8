import { describe, expect } from 'vitest'
import { forgingBehaviourScenarios } from '../../scenarios/live/index.js'
import { itPlaysEachScenario } from './live-expectations.js'

describe('forging behaviour scenarios (probabilistic attack, explicit CONNECT proxy), live', () => {
  itPlaysEachScenario(
    forgingBehaviourScenarios,
    {
      'probabilistic-attack-single-connection': { verdict: 'accept', step: null, code: null, leaked: false },
      'probabilistic-attack-repeated-connections': { verdict: 'reject', step: 'TRUST', code: 'UNTRUSTED_ROOT', leaked: false },
      'explicit-proxy-rogue-wpad': { verdict: 'reject', step: 'TRUST', code: 'UNTRUSTED_ROOT', leaked: false },
      'explicit-proxy-corporate-inspection': { verdict: 'accept', step: null, code: null, leaked: true },
    },
    (scenario, result) => {
      if (scenario.id === 'probabilistic-attack-repeated-connections') {
        expect(result.client?.attempts?.map((a) => a.verdict)).toEqual(['accept', 'accept', 'reject'])
        // The two relayed connections reached the genuine bank; the forged one never did.
        expect(result.connections.map((c) => c.mode)).toEqual(['passthrough', 'passthrough', 'terminate'])
      }
      // Through the tunnel the client still verified bank.lab (SNI and name check), not the proxy.
      if (scenario.id === 'explicit-proxy-corporate-inspection') expect(result.client?.tls?.servername).toBe('bank.lab')
    },
  )
})
