import { describe, expect } from 'vitest'
import { protocolScenarios } from '../../scenarios/live/index.js'
import { itPlaysEachScenario } from './live-expectations.js'

describe('protocol downgrade and weak cipher scenarios, live', () => {
  itPlaysEachScenario(
    protocolScenarios,
    {
      'downgrade-tls10-strict': { verdict: 'reject', step: 'PROTO', code: 'PROTOCOL_VERSION_TOO_OLD', leaked: false },
      'downgrade-tls10-legacy': { verdict: 'accept', step: null, code: null, leaked: true },
      'drop-tls13': { verdict: 'accept', step: null, code: null, leaked: true },
      'weak-cipher-cbc-strict': { verdict: 'reject', step: 'PROTO', code: 'WEAK_CIPHER_SUITE', leaked: false },
      'weak-cipher-cbc-legacy': { verdict: 'accept', step: null, code: null, leaked: true },
      'no-forward-secrecy': { verdict: 'reject', step: 'PROTO', code: 'WEAK_CIPHER_SUITE', leaked: false },
      'null-cipher-strict': { verdict: 'reject', step: 'PROTO', code: 'WEAK_CIPHER_SUITE', leaked: false },
      'null-cipher-legacy': { verdict: 'accept', step: null, code: null, leaked: true },
      'anonymous-cipher-strict': { verdict: 'reject', step: 'PROTO', code: 'WEAK_CIPHER_SUITE', leaked: false },
      'anonymous-cipher-legacy': { verdict: 'reject', step: 'TRUST', code: null, leaked: false },
    },
    (scenario, result) => {
      if (scenario.id === 'downgrade-tls10-legacy') expect(result.client?.tls?.version).toMatch(/^TLSv1(\.1)?$/)
      if (scenario.id === 'drop-tls13') expect(result.client?.tls?.version).toBe('TLSv1.2')
      if (scenario.id === 'null-cipher-legacy') expect(result.client?.tls?.cipher).toContain('NULL')
    },
  )
})
