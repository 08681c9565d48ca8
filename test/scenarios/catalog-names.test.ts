import { describe, expect, it } from 'vitest'
import { catalogFamily } from '../../scenarios/catalog/index.js'
import { testPki } from '../support/lab-pki.js'
import { outcomeOf, runCatalogScenario, type PinnedOutcome } from './catalog-run.js'

const pki = testPki()
const scenarios = catalogFamily('names')

const reject = (code: string): PinnedOutcome => ({ verdict: 'reject', step: 'HOST', code, leaked: false })

/** Name attacks: every one is caught at HOST (or, for the IDN look-alike, by nothing). */
const EXPECTED: Record<string, PinnedOutcome> = {
  'suffix-confusion': reject('HOSTNAME_MISMATCH'),
  'prefix-confusion': reject('HOSTNAME_MISMATCH'),
  'wildcard-over-tld': reject('HOSTNAME_MISMATCH'),
  'partial-wildcard': reject('HOSTNAME_MISMATCH'),
  'nested-wildcard': reject('HOSTNAME_MISMATCH'),
  'trailing-dot-san': reject('HOSTNAME_MISMATCH'),
  'common-name-only': reject('NO_SUBJECT_ALT_NAME'),
  'common-name-only-legacy': { verdict: 'accept', step: null, code: null, leaked: true },
  'nul-prefix-name': reject('HOSTNAME_MISMATCH'),
  'nul-prefix-common-name': reject('NO_SUBJECT_ALT_NAME'),
  'nul-prefix-common-name-legacy': reject('HOSTNAME_MISMATCH'),
  'ip-san-for-dns-host': reject('HOSTNAME_MISMATCH'),
  'dns-san-holding-ip': reject('HOSTNAME_MISMATCH'),
  'wildcard-does-not-cover-apex': reject('HOSTNAME_MISMATCH'),
  'uri-san-only': reject('NO_SUBJECT_ALT_NAME'),
  // Nothing catches a valid certificate for the look-alike name the victim asked for. The victim
  // sends its login as soon as it accepts and the proxy reads it; only then does the proxy fail to
  // reach the look-alike upstream (the bank's certificate is not for xn--bnk-6cd.lab) and close.
  'idn-homograph': { verdict: 'accept', step: null, code: null, leaked: true },
}

describe('catalog: names, live', () => {
  it('pins an outcome for every names scenario file', () => {
    expect(scenarios.map((s) => s.id).sort()).toEqual(Object.keys(EXPECTED).sort())
  })

  for (const scenario of scenarios) {
    const expected = EXPECTED[scenario.id]
    it(
      `${scenario.id}: ${expected?.step === null ? 'accepted' : `caught by ${expected?.step} ${expected?.code}`}`,
      async () => {
        const result = await runCatalogScenario(pki, scenario)
        expect(result.error).toBeNull()
        expect(outcomeOf(result)).toEqual(expected)
        expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
        expect(result.client?.tls?.servername).toBe(scenario.host ?? 'bank.lab')
      },
    )
  }

  it('serves a SAN with the NUL byte inside it, not a truncated name', async () => {
    const nul = scenarios.find((s) => s.id === 'nul-prefix-name')
    if (nul === undefined) throw new Error('scenario missing')
    const result = await runCatalogScenario(pki, nul)
    expect(result.client?.presentedChain[0]?.sans.map((san) => san.value)).toEqual(['bank.lab\0.evil.lab'])
  })

  it('refuses *.lab because .lab is a public suffix, and accepts the same shape one level down', async () => {
    const { parse } = await import('tldts')
    expect(parse('bank.lab').publicSuffix).toBe('lab')
    const wildcard = scenarios.find((s) => s.id === 'wildcard-over-tld')
    if (wildcard === undefined) throw new Error('scenario missing')
    const result = await runCatalogScenario(pki, wildcard)
    expect(result.client?.presentedChain[0]?.sans.map((san) => san.value)).toEqual(['*.lab'])
    expect(result.code).toBe('HOSTNAME_MISMATCH')
  })
})
