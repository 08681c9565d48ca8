import { describe, expect, it } from 'vitest'
import { curlDriver } from '../../../server/drivers/curl-driver.js'
import { testPki } from '../../support/lab-pki.js'
import { probeClient } from '../../support/installed-client.js'
import { resultOf, runWithClients } from './run-with-clients.js'

describe('a probabilistic attacker (1 in 3 connections) and a client that connects once', () => {
  it('curl, relayed untouched on its only connection, is "not exercised" where the lab victim needs three connections to meet the attack', async (context) => {
    // Probed with curl itself; once it is here, the driver must find it too (a wrong "not installed" fails).
    const probe = probeClient('curl')
    if (!probe.isInstalled) {
      context.skip(probe.reason)
      return
    }
    expect(await curlDriver.availability()).toMatchObject({ isAvailable: true })
    const results = await runWithClients(testPki(), ['probabilistic-attack-single-connection', 'probabilistic-attack-repeated-connections'], [curlDriver])
    const summary = (id: string): object => {
      const result = resultOf(results, id, 'curl')
      return { verdict: result.verdict, notExercised: result.external?.notExercised !== undefined, asExpected: result.asExpected, leaked: result.leaked }
    }
    // One connection is what the first scenario is about: judged, and accepted as the scenario expects.
    expect(summary('probabilistic-attack-single-connection')).toEqual({ verdict: 'accept', notExercised: false, asExpected: true, leaked: false })
    // Each client gets the attacker's count fresh, so curl's only connection is relayed: never met the forged chain.
    expect(summary('probabilistic-attack-repeated-connections')).toEqual({ verdict: 'accept', notExercised: true, asExpected: true, leaked: false })
    expect(resultOf(results, 'probabilistic-attack-repeated-connections', 'lab-verifier')).toMatchObject({ verdict: 'reject', catchingStep: 'TRUST' })
  }, 60_000)
})
