import { describe, expect, it } from 'vitest'
import { curlDriver } from '../../../server/drivers/curl-driver.js'
import { findingOf } from '../../../server/report/run-report.js'
import { testPki } from '../../support/lab-pki.js'
import { probeClient } from '../../support/installed-client.js'
import { resultOf, runWithClients } from './run-with-clients.js'

describe('scenarios about a victim configured with pins or CT enforcement, against a client run with its defaults', () => {
  it('curl is "not exercised" on the pinned interception and CT enforcement, and judged on the unpinned twin', async (context) => {
    // Probed with curl itself; once it is here, the driver must find it too (a wrong "not installed" fails).
    const probe = probeClient('curl')
    if (!probe.isInstalled) {
      context.skip(probe.reason)
      return
    }
    expect(await curlDriver.availability()).toMatchObject({ isAvailable: true })
    const ids = ['installed-interception-ca', 'installed-interception-ca-pinned', 'interception-ca-ct-enforced']
    const results = await runWithClients(testPki(), ids, [curlDriver])
    expect(ids.map((id) => [id, findingOf(resultOf(results, id, 'curl'))])).toEqual([
      // No check catches an installed CA: accepting it is the lesson, not a false accept.
      ['installed-interception-ca', 'accepted-undetectable'],
      ['installed-interception-ca-pinned', 'not-exercised'],
      ['interception-ca-ct-enforced', 'not-exercised'],
    ])
    expect(resultOf(results, 'installed-interception-ca-pinned', 'curl').external?.notExercised).toMatch(/configured with SPKI pins for the bank, which curl is not given/)
    // The lab's own victim holds the pins and is judged as before.
    expect(resultOf(results, 'installed-interception-ca-pinned', 'lab-verifier')).toMatchObject({ verdict: 'reject', catchingStep: 'PIN', asExpected: true })
  }, 60_000)
})
