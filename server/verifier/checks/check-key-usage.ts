import type { StepResult } from '../../steps/step-result.js'
import { fail, pass, subjectOf, type VerifyContext } from '../context.js'

/** KU: issuers may sign certificates; nobody claims keyCertSign without being a CA. */
export function checkKeyUsage(ctx: VerifyContext): StepResult {
  const { certs } = ctx.path
  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i]
    if (cert === undefined) continue
    const detail = (): { subject: string; keyUsage: string[] } => ({ subject: subjectOf(cert), keyUsage: [...(cert.keyUsage ?? [])] })
    // RFC 5280 §4.2.1.9: keyCertSign asserted requires cA asserted.
    if (cert.keyUsage?.has('keyCertSign') === true && cert.basicConstraints?.isCa !== true)
      return fail('KEY_CERT_SIGN_WITHOUT_CA', detail())
    // RFC 5280 §4.2.1.3 / §6.1.4 (n): an issuer's keyUsage, when present, must assert keyCertSign.
    if (i > 0 && cert.keyUsage !== null && !cert.keyUsage.has('keyCertSign')) return fail('ISSUER_NOT_CERT_SIGNER', detail())
  }
  // RFC 5280 §4.2.1.3: when keyUsage is present, the key may serve only the listed purposes.
  const leaf = certs[0]
  const missing = ctx.requiredKeyUsage.filter((usage) => leaf?.keyUsage != null && !leaf.keyUsage.has(usage as never))
  if (leaf !== undefined && missing.length > 0)
    return fail('LEAF_KEY_USAGE_INSUFFICIENT', { subject: subjectOf(leaf), presented: [...(leaf.keyUsage ?? [])], expected: missing.join(', ') })
  return pass('KU', 'Key usage permits each certificate its role')
}
