import { failStep, passStep, skipStep, type StepResult } from '../steps/step-result.js'
import type { InterceptionDetection } from './detect-interception.js'

/** The FP step's codes: a flagged hello, and a claim the catalog cannot judge. */
export type FingerprintCode =
  /** The ClientHello does not match the client the request claims to be. */
  | 'INTERCEPTION_DETECTED'
  /** The claimed client (or its absence) has no catalog entry, so nothing can be compared. */
  | 'UNKNOWN_CLIENT'

/** The one sentence for a detection; the step never builds prose elsewhere. */
export function describeDetection(detection: InterceptionDetection): string {
  const claimed = detection.claimed ?? 'an unnamed client'
  const lookalike = detection.matchedClient === undefined ? '' : ` It is ${detection.matchedClient}'s hello.`
  switch (detection.verdict) {
    case 'match':
      return `The ClientHello matches ${claimed} (JA4 ${detection.observed.ja4}).`
    case 'unknown-client':
      return `No recorded fingerprint for ${claimed}; JA4 ${detection.observed.ja4} cannot be judged.${lookalike}`
    case 'intercepted': {
      const fields = detection.differences.map((d) => d.field).join(', ')
      const downgrades = detection.downgrades.length === 0 ? '' : ` Downgrades: ${detection.downgrades.map((d) => d.code).join(', ')}.`
      const hybrid = detection.downgrades.find((d) => d.code === 'HYBRID_GROUP_REMOVED')
      const pq =
        hybrid === undefined
          ? ''
          : ` The post-quantum hybrid ${hybrid.expected.join(', ')} was removed: this leg's key exchange is classical ECDH, which a recording made today lets a future quantum computer decrypt.`
      // JA4 hashes sorted suites and extensions but not the groups or key shares (FoxIO JA4 spec):
      // a hello that differs only there keeps its JA4, and only the full comparison sees it.
      const ja4 =
        detection.expected?.ja4 === detection.observed.ja4
          ? `JA4 ${detection.observed.ja4} is the same: JA4 does not cover groups or key shares`
          : `JA4 ${detection.observed.ja4}, expected ${detection.expected?.ja4 ?? '?'}`
      return `The ClientHello is not ${claimed}'s: ${fields} differ (${ja4}).${lookalike}${downgrades}${pq}`
    }
  }
}

/**
 * The FP step: passes when the server sees the claimed client's own hello, fails
 * INTERCEPTION_DETECTED with the differing fields, skips UNKNOWN_CLIENT otherwise.
 */
export function fingerprintStep(detection: InterceptionDetection): StepResult {
  const message = describeDetection(detection)
  switch (detection.verdict) {
    case 'match':
      return passStep('FP', message, { claimed: detection.claimed, observed: detection.observed })
    case 'unknown-client':
      return skipStep('FP', 'UNKNOWN_CLIENT' satisfies FingerprintCode, message)
    case 'intercepted':
      return failStep('FP', 'INTERCEPTION_DETECTED' satisfies FingerprintCode, message, {
        claimed: detection.claimed,
        matchedClient: detection.matchedClient ?? null,
        observed: detection.observed,
        expected: detection.expected ?? null,
        differences: detection.differences,
        downgrades: detection.downgrades,
      })
  }
}
