import { describe, expect } from 'vitest'
import { forgingBehaviourScenarios } from '../../scenarios/live/index.js'
import { itPlaysEachScenario } from './live-expectations.js'

describe('forging behaviour scenarios (probabilistic attack), live', () => {
  itPlaysEachScenario(
    forgingBehaviourScenarios,
    {
      'probabilistic-attack-single-connection': { verdict: 'accept', step: null, code: null, leaked: false },
      'probabilistic-attack-repeated-connections': { verdict: 'reject', step: 'TRUST', code: 'UNTRUSTED_ROOT', leaked: false },
    },
    (scenario, result) => {
      if (scenario.id === 'probabilistic-attack-repeated-connections') {
        expect(result.client?.attempts?.map((a) => a.verdict)).toEqual(['accept', 'accept', 'reject'])
        // The two relayed connections reached the genuine bank; the forged one never did.
        expect(result.connections.map((c) => c.mode)).toEqual(['passthrough', 'passthrough', 'terminate'])
      }
    },
  )
})
