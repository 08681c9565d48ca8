import { describe, expect } from 'vitest'
import { revocationScenarios } from '../../scenarios/live/index.js'
import { itPlaysEachScenario } from './live-expectations.js'

describe('revocation scenarios (CRL, OCSP, must-staple), live', () => {
  itPlaysEachScenario(
    revocationScenarios,
    {
      'revoked-leaf-crl': { verdict: 'reject', step: 'REV', code: 'CERT_REVOKED', leaked: false },
      'revoked-leaf-ocsp': { verdict: 'reject', step: 'REV', code: 'CERT_REVOKED', leaked: false },
      'revoked-leaf-unchecked': { verdict: 'accept', step: null, code: null, leaked: true },
      'ocsp-blocked-soft-fail': { verdict: 'accept', step: null, code: null, leaked: true },
      'ocsp-blocked-hard-fail': { verdict: 'reject', step: 'REV', code: 'OCSP_UNAVAILABLE', leaked: false },
      'ocsp-try-later-soft-fail': { verdict: 'accept', step: null, code: null, leaked: true },
      'ocsp-try-later-hard-fail': { verdict: 'reject', step: 'REV', code: 'OCSP_TRY_LATER', leaked: false },
      'crl-blocked-soft-fail': { verdict: 'accept', step: null, code: null, leaked: true },
      'crl-blocked-hard-fail': { verdict: 'reject', step: 'REV', code: 'CRL_UNAVAILABLE', leaked: false },
      'must-staple-without-staple': { verdict: 'reject', step: 'REV', code: 'MUST_STAPLE_MISSING', leaked: false },
      'must-staple-stapled': { verdict: 'accept', step: null, code: null, leaked: false },
    },
    (scenario, result) => {
      const rev = result.steps.find((s) => s.step === 'REV')
      // Soft-fail acceptance is visible in the trace, not silent.
      if (scenario.id.endsWith('-soft-fail')) expect(rev).toMatchObject({ status: 'pass', detail: { softFailed: true } })
      if (scenario.id === 'must-staple-stapled') expect(rev?.detail?.['source']).toBe('staple')
    },
  )
})
