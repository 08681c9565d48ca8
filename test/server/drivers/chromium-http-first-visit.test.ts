import { beforeAll, describe, expect, it } from 'vitest'
import { chromiumDriver } from '../../../server/drivers/chromium-driver.js'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'
import { testPki } from '../../support/lab-pki.js'
import { resultOf, runWithClients } from './run-with-clients.js'

/** The sslstrip/HSTS family: the victim types the bare name (starts at http://bank.lab/). */
const FAMILY = [
  'http-first-visit-no-attacker',
  'sslstrip-first-visit',
  'sslstrip-hsts-preloaded',
  'sslstrip-hsts-cached',
  'sslstrip-hsts-header-stripped',
] as const

type Cell = { rawError: string | null; verdict: string; step: string | null; leaked: boolean; notExercised: boolean; asExpected: boolean; loginSentTo: string | null }

// CI installs Debian chromium and libnss3-tools (certutil); elsewhere the reason is in the suite's title.
const availability = await chromiumDriver.availability()
const title = `Chromium types bank.lab: the sslstrip/HSTS family judged for real${availability.isAvailable ? '' : ` (skipped: ${availability.reason})`}`

describe.skipIf(!availability.isAvailable)(title, () => {
  let results: ScenarioResult[] = []
  beforeAll(async () => {
    results = await runWithClients(testPki(), FAMILY, [chromiumDriver])
  }, 180_000)

  function cell(id: string): Cell {
    const result = resultOf(results, id, 'chromium')
    const sentTo = /from (\S+)$/.exec(result.external?.output ?? '')?.[1] ?? null
    return {
      rawError: result.external?.rawError ?? null,
      verdict: result.verdict,
      step: result.catchingStep,
      leaked: result.leaked,
      notExercised: result.external?.notExercised !== undefined,
      asExpected: result.asExpected,
      loginSentTo: sentTo,
    }
  }

  it('with no attacker: http://bank.lab/ redirects to https://, the login goes to https:// and nothing leaks', () => {
    expect(cell('http-first-visit-no-attacker')).toEqual({
      rawError: null,
      verdict: 'accept', step: null, leaked: false, notExercised: false, asExpected: true, loginSentTo: 'https://bank.lab/login',
    })
  })

  it('sslstrip on the first visit: Chromium posts the stripped form to http:// and the proxy reads the password', () => {
    expect(cell('sslstrip-first-visit')).toEqual({
      rawError: null,
      verdict: 'accept', step: null, leaked: true, notExercised: false, asExpected: true, loginSentTo: 'http://bank.lab/login',
    })
  })

  it('bank.lab seeded in the profile’s HSTS state (as if preloaded): Chromium upgrades before the request, HSTS catches it', () => {
    expect(cell('sslstrip-hsts-preloaded')).toEqual({
      rawError: 'chromium went to https:// by itself: the login never crossed the stripping proxy in the clear (HSTS, RFC 6797 §8.3)',
      verdict: 'reject', step: 'HSTS', leaked: false, notExercised: false, asExpected: true, loginSentTo: 'https://bank.lab/login',
    })
  })

  it('HSTS learned on a first, unstripped visit holds on the second: HSTS catches it', () => {
    expect(cell('sslstrip-hsts-cached')).toEqual({
      rawError: 'chromium went to https:// by itself: the login never crossed the stripping proxy in the clear (HSTS, RFC 6797 §8.3)',
      verdict: 'reject', step: 'HSTS', leaked: false, notExercised: false, asExpected: true, loginSentTo: 'https://bank.lab/login',
    })
  })

  it('the header stripped from the first visit: nothing was learned, the second visit is stripped and leaks', () => {
    expect(cell('sslstrip-hsts-header-stripped')).toEqual({
      rawError: null,
      verdict: 'accept', step: null, leaked: true, notExercised: false, asExpected: true, loginSentTo: 'http://bank.lab/login',
    })
  })
})
