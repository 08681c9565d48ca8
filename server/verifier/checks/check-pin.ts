import type { StepResult } from '../../steps/step-result.js'
import { spkiSha256Base64 } from '../../x509/fingerprints.js'
import { fail, pass, skip, subjectOf, type VerifyContext } from '../context.js'

/** PIN: some SPKI on the path matches a configured pin (RFC 7469 §2.6: any certificate of the validated chain). */
export function checkPin(ctx: VerifyContext): StepResult {
  if (ctx.pins === null || ctx.pins.length === 0) return skip('PIN', 'NOT_CONFIGURED')
  const presented = ctx.path.certs.map((cert) => spkiSha256Base64(cert.spkiDer))
  const index = presented.findIndex((pin) => ctx.pins?.includes(pin) === true)
  const matched = ctx.path.certs[index]
  if (matched === undefined) return fail('PIN_MISMATCH', { presented, expected: ctx.pins.join(', ') })
  return pass('PIN', `The key of "${subjectOf(matched)}" matches a pin`, { pin: presented[index] })
}
