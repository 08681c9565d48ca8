import type { StepResult } from '../../steps/step-result.js'
import { fail, pass, subjectOf, type VerifyContext } from '../context.js'
import { profileRuleFailure } from '../rules/certificate-profile.js'
import { extensionRuleFailure } from '../rules/extension-rules.js'
import type { PathRole } from '../rules/rule-failure.js'

/**
 * CRIT, the certificate-format step: every certificate's fields are what RFC
 * 5280 §4.1 allows (v3, a positive serial of at most 20 octets, non-empty
 * issuer and CA subject names), its extensions are well-formed, unique and
 * understood when critical (§4.2), and it carries the extensions its role
 * requires (AKI, SKI).
 *
 * Field well-formedness lives here rather than in a step of its own: this is
 * the one check that reads each certificate as a structure, a separate step
 * would hold three codes and one catalog scenario, and the id is already in
 * every stored run, trainer's scenario file and real-client error table. The
 * step's title says what it covers, so that is where a reader finds a zero
 * serial number.
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
  return pass('CRIT', 'Every certificate field and extension is well-formed, and every critical extension is understood')
}
