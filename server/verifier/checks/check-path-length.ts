import type { StepResult } from '../../steps/step-result.js'
import { fail, isSelfIssued, pass, subjectOf, type VerifyContext } from '../context.js'

/**
 * PATHLEN: a CA's pathLenConstraint bounds the non-self-issued intermediates
 * below it, the leaf not counted (RFC 5280 §4.2.1.9, §6.1.4 (l)-(m)).
 */
export function checkPathLength(ctx: VerifyContext): StepResult {
  const { certs } = ctx.path
  let below = 0
  for (let i = 1; i < certs.length; i++) {
    const cert = certs[i]
    if (cert === undefined) continue
    const pathLen = cert.basicConstraints?.pathLen ?? null
    if (pathLen !== null && below > pathLen) return fail('PATH_LEN_EXCEEDED', { subject: subjectOf(cert), pathLen, below })
    if (!isSelfIssued(cert)) below++
  }
  return pass('PATHLEN', 'No path length constraint is exceeded')
}
