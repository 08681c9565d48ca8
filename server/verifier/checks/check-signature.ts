import type { StepResult } from '../../steps/step-result.js'
import { bytesEqual } from '../../x509/der-reader.js'
import { fail, pass, skip, subjectOf, type VerifyContext } from '../context.js'

/**
 * SIG: each certificate's signature verifies with the next one's key
 * (RFC 5280 §6.1.3 (a)(1)), and its inner and outer algorithms agree (§4.1.1.2).
 * The anchor's own signature is not checked: an anchor is a name and a key (RFC 5280 §6.1.1 (d)).
 */
export function checkSignature(ctx: VerifyContext): StepResult {
  const { certs } = ctx.path
  let unsupported = 0
  for (let i = 0; i + 1 < certs.length; i++) {
    const child = certs[i]
    const issuer = certs[i + 1]
    if (child === undefined || issuer === undefined) continue
    const detail = (): { subject: string; issuer: string; position: number } => ({ subject: subjectOf(child), issuer: subjectOf(issuer), position: i })
    if (!bytesEqual(child.signatureAlgorithm.der, child.tbsSignatureAlgorithm.der)) return fail('SIGNATURE_ALGORITHM_MISMATCH', detail())
    const outcome = ctx.signatures.verify(child, issuer)
    if (outcome === 'invalid') return fail('BAD_SIGNATURE', detail())
    if (outcome === 'bad-key') return fail('INVALID_ISSUER_KEY', detail())
    if (outcome === 'unsupported-algorithm') unsupported++
  }
  // ALG reports the algorithm itself (UNSUPPORTED_SIGNATURE_ALGORITHM); SIG only says it could not verify.
  if (unsupported > 0) return skip('SIG', 'UNSUPPORTED_ALGORITHM')
  const count = Math.max(0, certs.length - 1)
  return pass('SIG', `All ${count} signature(s) on the path verify`, { verified: count })
}
