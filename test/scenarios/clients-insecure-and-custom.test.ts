import { beforeAll, describe, expect, it } from 'vitest'
import { countByClient } from '../../server/drivers/client-matrix.js'
import { createCustomCommandDriver } from '../../server/drivers/custom-command-driver.js'
import { createNodeHttpsDriver } from '../../server/drivers/node-https-driver.js'
import type { ScenarioResult } from '../../server/lab/scenario-result.js'
import { testPki } from '../support/lab-pki.js'
import { resultOf, runWithClients } from '../server/drivers/run-with-clients.js'

const ATTACKS = ['self-signed-leaf', 'untrusted-ca-leaf', 'wrong-host', 'expired-leaf'] as const
const CONTROL = 'direct-connection'

describe('clients that check nothing', () => {
  let results: ScenarioResult[] = []
  beforeAll(async () => {
    results = await runWithClients(
      testPki(),
      [CONTROL, ...ATTACKS],
      [createNodeHttpsDriver({ insecure: true }), createCustomCommandDriver('true')],
    )
  }, 90_000)

  it.each(ATTACKS)(
    'node-insecure (rejectUnauthorized: false) accepts %s and completes the login',
    (scenarioId) => {
      const result = resultOf(results, scenarioId, 'node-insecure')
      expect(result.verdict).toBe('accept')
      expect(result.external?.output).toMatch(/^HTTP 302/)
      expect(result.leaked).toBe(true)
      expect(result.asExpected).toBe(false)
    },
  )

  it('the lab verifier rejects the same attacks on the same servers', () => {
    expect(ATTACKS.map((id) => resultOf(results, id, 'lab-verifier').verdict)).toEqual(
      ATTACKS.map(() => 'reject'),
    )
  })

  it('a custom --client that always succeeds (`true`) is reported as accepting every attack', () => {
    const counts = countByClient(results).find((row) => row.clientId === 'custom')
    expect(counts).toEqual({
      clientId: 'custom',
      attacks: ATTACKS.length,
      acceptedAttacks: ATTACKS.length,
      controls: 1,
      rejectedControls: 0,
      unmapped: 0,
      errors: 0,
    })
    expect(resultOf(results, 'wrong-host', 'custom').mismatches).toEqual([
      'custom accepted an attack that HOST should catch',
    ])
  })

  it('node-insecure counts as many false accepts as there are attacks', () => {
    expect(countByClient(results).find((row) => row.clientId === 'node-insecure')?.acceptedAttacks).toBe(
      ATTACKS.length,
    )
  })
})
