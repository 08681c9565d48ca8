import type { StepResult } from '../../steps/step-result.js'
import { fail, pass, subjectOf, type VerifyContext } from '../context.js'
import { profileRuleFailure } from '../rules/certificate-profile.js'
import { extensionRuleFailure } from '../rules/extension-rules.js'
import type { PathRole } from '../rules/rule-failure.js'

/**
 * CRIT: every certificate's extensions are well-formed, unique and understood
 * when critical (RFC 5280 §4.2), and each certificate carries what RFC 5280
 * requires for its role (AKI, SKI, non-empty names, v3, a sane serial).
 */
export function checkExtensions(ctx: VerifyContext): StepResult {
  const { certs, reachedAnchor } = ctx.path
  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i]
    if (cert === undefined) continue
    const role: PathRole = i === 0 ? 'leaf' : reachedAnchor && i === certs.length - 1 ? 'anchor' : 'intermediate'
    const subject = subjectOf(cert)
    const failure = extensionRuleFailure(cert, role, ctx.profile, subject) ?? profileRuleFailure(cert, role, ctx.profile, subject)
    if (failure !== null) return fail(failure.code, failure.detail)
  }
  return pass('CRIT', 'Every extension is well-formed and understood')
}
