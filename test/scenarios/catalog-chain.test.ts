import { describe, expect, it } from 'vitest'
import { catalogFamily } from '../../scenarios/catalog/index.js'
import { spkiSha256Base64 } from '../../server/x509/index.js'
import { testPki } from '../support/lab-pki.js'
import { outcomeOf, runCatalogScenario, type PinnedOutcome } from './catalog-run.js'

const pki = testPki()
const scenarios = catalogFamily('chain')

const reject = (step: string, code: string): PinnedOutcome => ({ verdict: 'reject', step, code, leaked: false })

/** Chain forgery: the exact step and code each scenario file must produce, live over TLS. */
const EXPECTED: Record<string, PinnedOutcome> = {
  'fake-root-same-name': reject('SIG', 'BAD_SIGNATURE'),
  'tampered-intermediate-signature': reject('SIG', 'BAD_SIGNATURE'),
  'tampered-leaf-signature': reject('SIG', 'BAD_SIGNATURE'),
  'swapped-leaf-key': reject('SIG', 'BAD_SIGNATURE'),
  'v1-intermediate': reject('BC', 'END_ENTITY_USED_AS_CA'),
  'ca-certificate-as-leaf': reject('BC', 'CA_USED_AS_END_ENTITY'),
  'ca-certificate-as-leaf-legacy': { verdict: 'accept', step: null, code: null, leaked: true },
  'path-length-exceeded': reject('PATHLEN', 'PATH_LEN_EXCEEDED'),
  'ca-without-key-cert-sign': reject('KU', 'ISSUER_NOT_CERT_SIGNER'),
  'leaf-key-cert-sign': reject('KU', 'KEY_CERT_SIGN_WITHOUT_CA'),
  'leaf-eku-client-auth-only': reject('EKU', 'EKU_MISSING_SERVER_AUTH'),
  'intermediate-eku-excludes-server-auth': reject('EKU', 'ISSUER_EKU_MISSING_SERVER_AUTH'),
  'name-constraints-dns-outside': reject('NC', 'NAME_NOT_PERMITTED'),
  'name-constraints-ip-outside': reject('NC', 'NAME_NOT_PERMITTED'),
  'name-constraints-excluded': reject('NC', 'NAME_EXCLUDED'),
  'name-constraints-cn-bypass': reject('HOST', 'NO_SUBJECT_ALT_NAME'),
  'name-constraints-cn-bypass-legacy': reject('NC', 'NAME_NOT_PERMITTED'),
  'incomplete-chain': reject('TRUST', 'UNKNOWN_ISSUER'),
  'long-chain': reject('TRUST', 'MAX_DEPTH_EXCEEDED'),
  'expired-intermediate': reject('DATES', 'CERT_EXPIRED'),
  'unknown-critical-extension': reject('CRIT', 'UNKNOWN_CRITICAL_EXTENSION'),
  'intermediate-without-basic-constraints': reject('BC', 'END_ENTITY_USED_AS_CA'),
  'ca-basic-constraints-not-critical': reject('BC', 'BASIC_CONSTRAINTS_NOT_CRITICAL'),
  'not-yet-valid-intermediate': reject('DATES', 'CERT_NOT_YET_VALID'),
  'duplicate-extension': reject('CRIT', 'DUPLICATE_EXTENSION'),
  'zero-serial-number': reject('CRIT', 'INVALID_SERIAL_NUMBER'),
}

describe('catalog: chain forgery, live', () => {
  it('pins an outcome for every chain scenario file', () => {
    expect(scenarios.map((s) => s.id).sort()).toEqual(Object.keys(EXPECTED).sort())
  })

  for (const scenario of scenarios) {
    const expected = EXPECTED[scenario.id]
    it(`${scenario.id}: ${expected?.step === null ? 'accepted' : `caught by ${expected?.step} ${expected?.code}`}`, async () => {
      const result = await runCatalogScenario(pki, scenario)
      expect(result.error).toBeNull()
      expect(outcomeOf(result)).toEqual(expected)
      expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
      // The victim verified exactly what the proxy served.
      expect(result.client?.chainSource).toBe('as-sent')
      expect(result.client?.presentedChainDer).toEqual(result.connections[0]?.servedChain.map((cert) => cert.derBase64))
    })
  }

  it('serves a fake root whose name is byte for byte the trusted root\'s, with another key', async () => {
    const fake = scenarios.find((s) => s.id === 'fake-root-same-name')
    if (fake === undefined) throw new Error('scenario missing')
    const result = await runCatalogScenario(pki, fake)
    const [leaf, fakeRoot] = result.client?.presentedChain ?? []
    expect(fakeRoot?.subject).toBe('C=ZZ, O=mitmlab Trust Services, CN=mitmlab Trusted Root CA')
    expect(leaf?.issuer).toBe(fakeRoot?.subject)
    expect(fakeRoot?.spkiSha256).not.toBe(spkiSha256Base64(pki.trustedRoot.key.spkiDer))
  })

  it('swaps the key the certificate names, so the proxy can still finish the handshake', async () => {
    const swapped = scenarios.find((s) => s.id === 'swapped-leaf-key')
    if (swapped === undefined) throw new Error('scenario missing')
    const result = await runCatalogScenario(pki, swapped)
    expect(result.steps.find((s) => s.step === 'HS')?.status).toBe('pass')
    expect(result.steps.find((s) => s.step === 'SIG')?.status).toBe('fail')
  })
})
