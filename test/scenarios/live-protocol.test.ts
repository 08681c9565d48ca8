import { describe, expect, it } from 'vitest'
import { forgedLeaf } from '../../scenarios/attacks/forge-helpers.js'
import { defineScenario } from '../../scenarios/define-scenario.js'
import { protocolScenarios } from '../../scenarios/live/index.js'
import { runScenario } from '../../scenarios/runner.js'
import { LabBus } from '../../server/bus/lab-bus.js'
import { testPki } from '../support/lab-pki.js'
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
      'anonymous-cipher-legacy': { verdict: 'reject', step: 'TRUST', code: 'NO_CERTIFICATES', leaked: false },
    },
    (scenario, result) => {
      if (scenario.id === 'downgrade-tls10-legacy') expect(result.client?.tls?.version).toMatch(/^TLSv1(\.1)?$/)
      if (scenario.id === 'drop-tls13') expect(result.client?.tls?.version).toBe('TLSv1.2')
      if (scenario.id === 'null-cipher-legacy') expect(result.client?.tls?.cipher).toContain('NULL')
    },
  )
})

describe('the intercept topology with a client-facing TLS policy', () => {
  it('applies clientFacingTls to the forged secure context (max TLS 1.2, CBC only): PROTO WEAK_CIPHER_SUITE', async () => {
    const scenario = defineScenario({
      id: 'intercept-cbc-only',
      title: 'CBC-only interception',
      explanation: 'The intercept topology narrowed to one CBC suite.',
      references: [],
      tags: [],
      kind: 'attack',
      topology: {
        kind: 'intercept',
        forge: (context) => ({ served: [forgedLeaf(context, context.pki.interceptionCa), context.pki.interceptionCa], description: 'cbc' }),
        clientFacingTls: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA' },
      },
      expect: { verdict: 'reject', step: 'PROTO', code: 'WEAK_CIPHER_SUITE' },
    })
    const result = await runScenario({ pki: testPki(), bus: new LabBus(), store: null }, scenario, { runId: 'test', ordinal: 0 })
    expect(result.client?.tls?.cipher).toBe('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA')
    expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
  })
})
