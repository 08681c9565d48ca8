import type { StepResult } from '../../steps/step-result.js'
import { fail, issuerOf, pass, subjectOf, type VerifyContext } from '../context.js'

/** TRUST: the path ends at a configured trust anchor (RFC 5280 §6.1, anchor as the path's start). */
export function checkTrustAnchor(ctx: VerifyContext): StepResult {
  const { certs, reachedAnchor, buildFailure } = ctx.path
  const last = certs[certs.length - 1]
  if (reachedAnchor && last !== undefined) return pass('TRUST', `Chains to the trust anchor "${subjectOf(last)}"`, { anchor: subjectOf(last) })
  const detail = last === undefined ? {} : { subject: subjectOf(last), issuer: issuerOf(last), expected: ctx.expectedHost }
  switch (buildFailure) {
    case 'SELF_SIGNED_LEAF':
    case 'UNTRUSTED_ROOT':
    case 'PATH_BUDGET_EXCEEDED':
      return fail(buildFailure, detail)
    case 'MAX_DEPTH_EXCEEDED':
      return fail('MAX_DEPTH_EXCEEDED', { ...detail, depth: certs.length })
    default:
      return fail('UNKNOWN_ISSUER', detail)
  }
}
