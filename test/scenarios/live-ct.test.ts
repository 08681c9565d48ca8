import { describe, expect } from 'vitest'
import { ctScenarios } from '../../scenarios/live/index.js'
import { itPlaysEachScenario } from './live-expectations.js'

describe('CT and trusted-rogue-CA scenarios, live', () => {
  itPlaysEachScenario(
    ctScenarios,
    {
      'ct-logged-certificate': { verdict: 'accept', step: null, code: null, leaked: false },
      'rogue-ca-legacy-client': { verdict: 'accept', step: null, code: null, leaked: true },
      'rogue-ca-pinned': { verdict: 'reject', step: 'PIN', code: 'PIN_MISMATCH', leaked: false },
      'rogue-ca-no-sct': { verdict: 'reject', step: 'CT', code: 'SCT_MISSING', leaked: false },
      'rogue-ca-sct-unknown-log': { verdict: 'reject', step: 'CT', code: 'SCT_UNKNOWN_LOG', leaked: false },
      'rogue-ca-forged-sct': { verdict: 'reject', step: 'CT', code: 'SCT_BAD_SIGNATURE', leaked: false },
      'rogue-ca-logged': { verdict: 'accept', step: null, code: null, leaked: true },
      'interception-ca-ct-enforced': { verdict: 'reject', step: 'CT', code: 'SCT_MISSING', leaked: false },
    },
    (scenario, result) => {
      const statusOf = (step: string): string | undefined => result.steps.find((s) => s.step === step)?.status
      // A trusted rogue chain passes every PKIX step: only PIN or CT can tell.
      if (scenario.id.startsWith('rogue-ca')) expect(['TRUST', 'SIG', 'DATES', 'HOST', 'BC'].map(statusOf)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass'])
      if (scenario.id === 'ct-logged-certificate') expect(result.steps.find((s) => s.step === 'CT')?.detail?.['valid']).toBe(2)
    },
  )
})
