import { beforeAll, describe, expect, it } from 'vitest'
import type { ClientDriver } from '../../server/drivers/client-driver.js'
import { createPythonDriver } from '../../server/drivers/python-driver.js'
import { wgetDriver } from '../../server/drivers/wget-driver.js'
import type { ScenarioResult } from '../../server/lab/scenario-result.js'
import { testPki } from '../support/lab-pki.js'
import { cellOf, resultOf, runWithClients } from '../server/drivers/run-with-clients.js'

// Debian python3 + python3-requests and wget: clients without a resolve option, reached through the CONNECT tunnel.
const candidates: ClientDriver[] = [createPythonDriver('urllib'), createPythonDriver('requests'), wgetDriver]
const checked = await Promise.all(
  candidates.map(async (driver) => ({ driver, availability: await driver.availability() })),
)
const drivers = checked.filter((entry) => entry.availability.isAvailable).map((entry) => entry.driver)
const skipped = checked.flatMap((entry) =>
  entry.availability.isAvailable ? [] : [`${entry.driver.id}: ${entry.availability.reason}`],
)
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
