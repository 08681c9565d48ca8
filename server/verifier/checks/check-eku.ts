import type { StepResult } from '../../steps/step-result.js'
import { EKU_NAMES } from '../../x509/algorithm-names.js'
import { fail, pass, subjectOf, type VerifyContext } from '../context.js'

export const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0'
export const SERVER_AUTH = '1.3.6.1.5.5.7.3.1'

const names = (oids: readonly string[]): string[] => oids.map((oid) => EKU_NAMES[oid] ?? oid)

/**
 * EKU: the leaf allows the required purpose (RFC 5280 §4.2.1.12), and every
 * intermediate that restricts purposes allows it too ("EKU chaining", as
 * Mozilla and Chrome enforce). An absent leaf EKU means any purpose: lenient
 * like rustls-webpki and Chrome, although CA/B BR §7.1.2.7.10 requires one.
 * The anchor's EKU is not checked: trust-store purposes govern anchors.
 */
export function checkEku(ctx: VerifyContext): StepResult {
  const { certs } = ctx.path
  const leaf = certs[0]
  const required = ctx.requiredEku
  if (leaf?.extendedKeyUsage != null) {
    const eku = leaf.extendedKeyUsage
    // CA/B BR §7.1.2.7.10: anyExtendedKeyUsage MUST NOT appear in a subscriber certificate.
    const hasAny = eku.includes(ANY_EXTENDED_KEY_USAGE)
    const allowed = required.every((oid) => eku.includes(oid)) || (ctx.profile === 'rfc5280' && hasAny)
    if (!allowed || (ctx.profile === 'webpki' && hasAny))
      return fail('EKU_MISSING_SERVER_AUTH', { subject: subjectOf(leaf), presented: names(eku), expected: names(required).join(', ') })
  }
  const lastIntermediate = ctx.path.reachedAnchor ? certs.length - 1 : certs.length
  for (let i = 1; i < lastIntermediate; i++) {
    const issuer = certs[i]
    const eku = issuer?.extendedKeyUsage
    if (issuer === undefined || eku == null || eku.includes(ANY_EXTENDED_KEY_USAGE)) continue
    if (!required.every((oid) => eku.includes(oid)))
      return fail('ISSUER_EKU_MISSING_SERVER_AUTH', { subject: subjectOf(issuer), presented: names(eku) })
  }
  return pass('EKU', `Extended key usage allows ${names(required).join(', ')} along the path`)
}
