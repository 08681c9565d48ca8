import { beforeAll, describe, expect, it } from 'vitest'
import type { LabPki } from '../../../ca/index.js'
import type { ClientDriver } from '../../../server/drivers/client-driver.js'
import { curlDriver } from '../../../server/drivers/curl-driver.js'
import { opensslDriver } from '../../../server/drivers/openssl-driver.js'
import { createPythonDriver } from '../../../server/drivers/python-driver.js'
import { wgetDriver } from '../../../server/drivers/wget-driver.js'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'
import { testPki } from '../../support/lab-pki.js'
import { probeClient } from '../../support/installed-client.js'
import { resultOf, runWithClients } from './run-with-clients.js'

/** The sslstrip/HSTS family: every scenario whose victim types the bare name (starts at http://bank.lab/). */
const FAMILY = [
  'http-first-visit-no-attacker',
  'sslstrip-first-visit',
  'sslstrip-hsts-preloaded',
  'sslstrip-hsts-cached',
  'sslstrip-hsts-header-stripped',
] as const

type Cell = { verdict: string; step: string | null; leaked: boolean; notExercised: boolean; asExpected: boolean }

function cell(result: ScenarioResult): Cell {
  return {
    verdict: result.verdict,
    step: result.catchingStep,
    leaked: result.leaked,
    notExercised: result.external?.notExercised !== undefined,
    asExpected: result.asExpected,
  }
}

const ACCEPT_CLEAN: Cell = { verdict: 'accept', step: null, leaked: false, notExercised: false, asExpected: true }
const STRIPPED: Cell = { verdict: 'accept', step: null, leaked: true, notExercised: false, asExpected: true }
const HSTS_CAUGHT: Cell = { verdict: 'reject', step: 'HSTS', leaked: false, notExercised: false, asExpected: true }
/** A client with no HSTS support falls for an attack HSTS would have caught: a real false accept. */
const NO_HSTS: Cell = { verdict: 'accept', step: null, leaked: true, notExercised: false, asExpected: false }

/**
 * Per client that can type a bare name, what it does in each scenario of the
 * family. curl and wget keep an HSTS cache (`--hsts`, `--hsts-file`) holding
 * the preloaded host and what they learn over verified HTTPS; Python's
 * urllib and requests implement no HSTS at all.
 */
const EXPECTED: Record<string, Record<(typeof FAMILY)[number], Cell>> = {
  curl: {
    'http-first-visit-no-attacker': ACCEPT_CLEAN,
    'sslstrip-first-visit': STRIPPED,
    'sslstrip-hsts-preloaded': HSTS_CAUGHT,
    'sslstrip-hsts-cached': HSTS_CAUGHT,
    'sslstrip-hsts-header-stripped': STRIPPED,
  },
  wget: {
    'http-first-visit-no-attacker': ACCEPT_CLEAN,
    'sslstrip-first-visit': STRIPPED,
    'sslstrip-hsts-preloaded': HSTS_CAUGHT,
    'sslstrip-hsts-cached': HSTS_CAUGHT,
    'sslstrip-hsts-header-stripped': STRIPPED,
  },
  'python-urllib': {
    'http-first-visit-no-attacker': ACCEPT_CLEAN,
    'sslstrip-first-visit': STRIPPED,
    'sslstrip-hsts-preloaded': NO_HSTS,
    'sslstrip-hsts-cached': NO_HSTS,
    'sslstrip-hsts-header-stripped': STRIPPED,
  },
  'python-requests': {
    'http-first-visit-no-attacker': ACCEPT_CLEAN,
    'sslstrip-first-visit': STRIPPED,
    'sslstrip-hsts-preloaded': NO_HSTS,
    'sslstrip-hsts-cached': NO_HSTS,
    'sslstrip-hsts-header-stripped': STRIPPED,
  },
}

const HTTP_FIRST_DRIVERS: ClientDriver[] = [curlDriver, wgetDriver, createPythonDriver('urllib'), createPythonDriver('requests')]

describe('the sslstrip/HSTS family judged for real: each client types the bare name', () => {
  let pki: LabPki
  beforeAll(() => {
    pki = testPki()
  })

  for (const driver of HTTP_FIRST_DRIVERS) {
    it(`${driver.id} starts at http://bank.lab/ and is judged on what it did`, async (context) => {
      // Probed with the program itself; once it is here, the driver must find it too.
      const probe = probeClient(driver.id)
      if (!probe.isInstalled) {
        context.skip(probe.reason)
        return
      }
      expect(await driver.availability()).toMatchObject({ isAvailable: true })
      const results = await runWithClients(pki, FAMILY, [driver])
      const cells = Object.fromEntries(FAMILY.map((id) => [id, cell(resultOf(results, id, driver.id))]))
      expect(cells).toEqual(EXPECTED[driver.id])
    }, 60_000)
  }

  it('a client that can only open https:// (openssl s_client) is "not exercised" in every scenario of the family, never a false accept', async (context) => {
    const probe = probeClient('openssl')
    if (!probe.isInstalled) {
      context.skip(probe.reason)
      return
    }
    expect(await opensslDriver.availability()).toMatchObject({ isAvailable: true })
    const results = await runWithClients(pki, FAMILY, [opensslDriver])
    for (const id of FAMILY) {
      const result = resultOf(results, id, 'openssl')
      expect({ id, notExercised: result.external?.notExercised !== undefined, code: result.code, asExpected: result.asExpected, leaked: result.leaked }).toEqual({
        id,
        notExercised: true,
        code: 'NOT_EXERCISED',
        asExpected: true,
        leaked: false,
      })
    }
    // Outside the family the same client is judged as before: wrong-host is a real attack it meets.
    const outside = resultOf(await runWithClients(pki, ['wrong-host'], [opensslDriver]), 'wrong-host', 'openssl')
    expect(outside.external?.notExercised).toBeUndefined()
  }, 60_000)
})
