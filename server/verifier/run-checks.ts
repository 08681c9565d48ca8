import type { StepId } from '../steps/step-ids.js'
import type { StepResult } from '../steps/step-result.js'
import { FAILURE_RANK, type FailureCode } from './codes.js'
import type { VerifyContext } from './context.js'
import { checkAlgorithms } from './checks/check-algorithms.js'
import { checkBasicConstraints } from './checks/check-basic-constraints.js'
import { checkEku } from './checks/check-eku.js'
import { checkExtensions } from './checks/check-extensions.js'
import { checkHostname } from './checks/check-hostname.js'
import { checkKeyUsage } from './checks/check-key-usage.js'
import { checkNameConstraints } from './checks/check-name-constraints.js'
import { checkPathLength } from './checks/check-path-length.js'
import { checkPin } from './checks/check-pin.js'
import { checkRevocation } from './checks/check-revocation.js'
import { checkSignature } from './checks/check-signature.js'
import { checkTrustAnchor } from './checks/check-trust-anchor.js'
import { checkValidity } from './checks/check-validity.js'

/** The certificate steps, in STEP_IDS order. Later steps (CT, OCSP, ...) join this list as their own check files. */
export const CERTIFICATE_CHECKS: readonly { step: StepId; check: (ctx: VerifyContext) => StepResult }[] = [
  { step: 'TRUST', check: checkTrustAnchor },
  { step: 'SIG', check: checkSignature },
  { step: 'DATES', check: checkValidity },
  { step: 'HOST', check: checkHostname },
  { step: 'BC', check: checkBasicConstraints },
  { step: 'PATHLEN', check: checkPathLength },
  { step: 'KU', check: checkKeyUsage },
  { step: 'EKU', check: checkEku },
  { step: 'NC', check: checkNameConstraints },
  { step: 'ALG', check: checkAlgorithms },
  { step: 'CRIT', check: checkExtensions },
  { step: 'REV', check: checkRevocation },
  { step: 'PIN', check: checkPin },
]

/** Runs every check on one candidate path; none is skipped because another failed. */
export function runChecks(ctx: VerifyContext): StepResult[] {
  return CERTIFICATE_CHECKS.map(({ check }) => check(ctx))
}

export function isFailureCode(code: string | undefined): code is FailureCode {
  return code !== undefined && Object.hasOwn(FAILURE_RANK, code)
}

/** The highest-ranked failing step, or null when all pass or skip. */
export function topFailure(steps: readonly StepResult[]): { step: StepResult; code: FailureCode; rank: number } | null {
  let best: { step: StepResult; code: FailureCode; rank: number } | null = null
  for (const step of steps) {
    if (step.status !== 'fail' || !isFailureCode(step.code)) continue
    const rank = FAILURE_RANK[step.code]
    if (best === null || rank > best.rank) best = { step, code: step.code, rank }
  }
  return best
}
