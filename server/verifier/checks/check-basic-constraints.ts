import type { StepResult } from '../../steps/step-result.js'
import { fail, pass, subjectOf, type VerifyContext } from '../context.js'

/** BC: only CAs issue, and (webpki profile) the server certificate is not a CA. */
export function checkBasicConstraints(ctx: VerifyContext): StepResult {
  const { certs } = ctx.path
  const leaf = certs[0]
  // CA/B BR §7.1.2.7.8; RFC 5280 itself allows a CA certificate as an end entity (limbo rfc5280::ca-as-leaf).
  if (leaf !== undefined && ctx.profile === 'webpki' && leaf.basicConstraints?.isCa === true)
    return fail('CA_USED_AS_END_ENTITY', { subject: subjectOf(leaf) })
  for (let i = 1; i < certs.length; i++) {
    const issuer = certs[i]
    const child = certs[i - 1]
    if (issuer === undefined || child === undefined) continue
    const detail = (): { subject: string; child: string } => ({ subject: subjectOf(issuer), child: subjectOf(child) })
    // RFC 5280 §4.2.1.9 / §6.1.4 (k): the issuer must assert cA; v1 certificates have no extensions and cannot.
    if (issuer.basicConstraints?.isCa !== true) return fail('END_ENTITY_USED_AS_CA', detail())
    // RFC 5280 §4.2.1.9: conforming CAs MUST mark it critical.
    if (!issuer.basicConstraints.critical) return fail('BASIC_CONSTRAINTS_NOT_CRITICAL', detail())
  }
  return pass('BC', 'Every issuer is a CA and the server certificate is not')
}
