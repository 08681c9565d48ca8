import { beforeAll, describe, expect, it } from 'vitest'
import type { ClientDriver } from '../../server/drivers/client-driver.js'
import { createPythonDriver } from '../../server/drivers/python-driver.js'
import { wgetDriver } from '../../server/drivers/wget-driver.js'
import type { ScenarioResult } from '../../server/lab/scenario-result.js'
import { probeClient } from '../support/installed-client.js'
import { testPki } from '../support/lab-pki.js'
import { cellOf, resultOf, runWithClients } from '../server/drivers/run-with-clients.js'

// Debian python3 + python3-requests and wget: clients without a resolve option, reached through the CONNECT tunnel.
const candidates: ClientDriver[] = [createPythonDriver('urllib'), createPythonDriver('requests'), wgetDriver]
// Probed with the programs themselves, never with the drivers under test (issue 22).
const checked = candidates.map((driver) => ({ driver, probe: probeClient(driver.id) }))
const drivers = checked.filter((entry) => entry.probe.isInstalled).map((entry) => entry.driver)
const skipped = checked.flatMap((entry) => (entry.probe.isInstalled ? [] : [`${entry.driver.id}: ${entry.probe.reason}`]))
const ids = drivers.map((driver) => driver.id)

describe.skipIf(drivers.length === 0)(
  `Python urllib/requests and wget through the tunnel${skipped.length > 0 ? ` (skipped ${skipped.join('; ')})` : ''}`,
  () => {
    let results: ScenarioResult[] = []
    beforeAll(async () => {
      results = await runWithClients(
        testPki(),
        ['direct-connection', 'self-signed-leaf', 'wrong-host', 'expired-leaf'],
        drivers,
      )
    }, 90_000)

    it.each(drivers)('$id, installed here, is found by its own driver', async (driver) => {
      expect(await driver.availability()).toMatchObject({ isAvailable: true })
    })

    it.each(ids)('%s accepts the direct connection', (clientId) => {
      expect(cellOf(resultOf(results, 'direct-connection', clientId))).toEqual({
        verdict: 'accept',
        step: null,
        isMapped: false,
        error: null,
      })
      expect(resultOf(results, 'direct-connection', clientId).external?.output).toMatch(/^HTTP 302/)
    })

    it.each(ids)('%s maps self-signed to TRUST, wrong host to HOST, expired to DATES', (clientId) => {
      expect(
        ['self-signed-leaf', 'wrong-host', 'expired-leaf'].map((id) =>
          cellOf(resultOf(results, id, clientId)),
        ),
      ).toEqual([
        { verdict: 'reject', step: 'TRUST', isMapped: true, error: null },
        { verdict: 'reject', step: 'HOST', isMapped: true, error: null },
        { verdict: 'reject', step: 'DATES', isMapped: true, error: null },
      ])
    })

    it.runIf(ids.includes('python-urllib'))(
      'python-urllib reports the OpenSSL verify code of a self-signed leaf (18)',
      () => {
        expect(resultOf(results, 'self-signed-leaf', 'python-urllib').external?.rawError).toMatch(
          /^SSLCertVerificationError \[verify_code=18\]: .*self-signed certificate/,
        )
      },
    )
  },
)
