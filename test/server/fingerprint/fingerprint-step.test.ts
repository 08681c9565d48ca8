import { describe, expect, it } from 'vitest'
import type { InterceptionDetection } from '../../../server/fingerprint/detect-interception.js'
import { describeDetection, fingerprintStep } from '../../../server/fingerprint/fingerprint-step.js'

const observed = { ja3: '0cce74b0d9b7f8528fb2181588d23793', ja4: 't13d591000_a33745022dd6_1f22a2ca17c4' }

describe('fingerprintStep', () => {
  it('fails INTERCEPTION_DETECTED with the differences and downgrades in detail', () => {
    const detection: InterceptionDetection = {
      verdict: 'intercepted',
      claimed: 'curl/7.88.1',
      matchedClient: 'node-tls',
      differences: [{ field: 'alpn', expected: ['h2', 'http/1.1'], actual: [] }],
      downgrades: [{ code: 'MAX_VERSION_LOWERED', expected: ['TLS 1.3'], actual: ['TLS 1.2'] }],
      observed,
      expected: { ja3: '0149f47eabf9a20d0893e2a44e5a6323', ja4: 't13d3112h2_e8f1e7e78f70_b26ce05bbdd6' },
    }
    const step = fingerprintStep(detection)
    expect(step).toMatchObject({ step: 'FP', status: 'fail', code: 'INTERCEPTION_DETECTED' })
    expect(step.detail).toMatchObject({ claimed: 'curl/7.88.1', matchedClient: 'node-tls', differences: detection.differences, downgrades: detection.downgrades })
    expect(step.message).toBe(
      "The ClientHello is not curl/7.88.1's: alpn differ (JA4 t13d591000_a33745022dd6_1f22a2ca17c4, expected t13d3112h2_e8f1e7e78f70_b26ce05bbdd6). It is node-tls's hello. Downgrades: MAX_VERSION_LOWERED.",
    )
  })

  it('passes on a match and skips UNKNOWN_CLIENT without a claim', () => {
    expect(fingerprintStep({ verdict: 'match', claimed: 'node-tls', differences: [], downgrades: [], observed })).toMatchObject({ status: 'pass' })
    const unknown: InterceptionDetection = { verdict: 'unknown-client', claimed: null, differences: [], downgrades: [], observed }
    expect(fingerprintStep(unknown)).toEqual({ step: 'FP', status: 'skip', code: 'UNKNOWN_CLIENT', message: describeDetection(unknown) })
    expect(describeDetection(unknown)).toBe('No recorded fingerprint for an unnamed client; JA4 t13d591000_a33745022dd6_1f22a2ca17c4 cannot be judged.')
  })
})
