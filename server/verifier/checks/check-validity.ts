import type { StepResult } from '../../steps/step-result.js'
import { fail, pass, subjectOf, type VerifyContext } from '../context.js'

/**
 * DATES: every certificate on the path, the anchor included, is valid at
 * `now` (RFC 5280 §4.1.2.5: notBefore and notAfter are both inclusive).
 * Checking the anchor is stricter than RFC 5280 §6.1 requires, as OpenSSL and browsers are.
 */
export function checkValidity(ctx: VerifyContext): StepResult {
  // RFC 5280 §4.1.2.5 encodes whole seconds; compare at that granularity (limbo rfc5280::validity::notafter-fractional).
  const now = Math.floor(ctx.now.getTime() / 1000) * 1000
  for (const cert of ctx.path.certs) {
    const detail = (): Record<string, string> => ({
      subject: subjectOf(cert),
      now: ctx.now.toISOString(),
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
    })
    if (now < cert.notBefore.getTime()) return fail('CERT_NOT_YET_VALID', detail())
    if (now > cert.notAfter.getTime()) return fail('CERT_EXPIRED', detail())
  }
  return pass('DATES', `All ${ctx.path.certs.length} certificate(s) are within their validity period`)
}
