import type { StepResult } from '../../steps/step-result.js'
import { formatIpBytes } from '../../x509/format-ip.js'
import { formatName } from '../../x509/parse-name.js'
import type { GeneralName, NameConstraintsInfo, ParsedCertificate } from '../../x509/types.js'
import { fail, isSelfIssued, pass, subjectOf, type VerifyContext } from '../context.js'
import { constrainedNames } from '../names/constrained-names.js'
import { nameConstraintProblem, subtreeVerdict } from '../names/subtree-verdict.js'

/** rustls-webpki `Budget::name_constraint_comparisons`. */
export const MAX_NAME_CONSTRAINT_COMPARISONS = 250_000

/**
 * NC: every name of every certificate below a CA with nameConstraints is
 * within its permitted subtrees and outside its excluded ones (RFC 5280
 * §4.2.1.10, §6.1.3 (b)-(c)); self-issued intermediates are exempt, the leaf never is.
 */
export function checkNameConstraints(ctx: VerifyContext): StepResult {
  const { certs } = ctx.path
  const leaf = certs[0]
  // RFC 5280 §4.2.1.10: name constraints MUST be used only in a CA certificate.
  if (leaf !== undefined && leaf.nameConstraints !== null && leaf.basicConstraints?.isCa !== true)
    return fail('NAME_CONSTRAINTS_INVALID', { subject: subjectOf(leaf), reason: 'name constraints in an end-entity certificate' })
  let comparisons = 0
  for (let i = 1; i < certs.length; i++) {
    const ca = certs[i]
    const constraints = ca?.nameConstraints
    if (ca === undefined || constraints == null) continue
    const below = certs.slice(0, i).map((cert, j) => ({ cert, names: j > 0 && isSelfIssued(cert) ? [] : constrainedNames(cert, j === 0) }))
    // The budget is charged before any work, so a constraint bomb costs nothing (limbo pathological::nc-dos-*).
    comparisons += below.reduce((sum, { names }) => sum + names.length, 0) * countBases(constraints)
    if (comparisons > MAX_NAME_CONSTRAINT_COMPARISONS) return fail('NAME_CONSTRAINTS_BUDGET_EXCEEDED', { subject: subjectOf(ca), comparisons })
    const problem = nameConstraintProblem(constraints, ctx.profile)
    if (problem !== null) return fail('NAME_CONSTRAINTS_INVALID', { subject: subjectOf(ca), reason: problem })
    for (const { cert, names } of below) {
      const result = checkNames(names, constraints, ca, cert)
      if (result !== null) return result
    }
  }
  return pass('NC', 'Every name is within the name constraints above it')
}

function checkNames(names: GeneralName[], constraints: NameConstraintsInfo, ca: ParsedCertificate, cert: ParsedCertificate): StepResult | null {
  for (const name of names) {
    const verdict = subtreeVerdict(name, constraints)
    if (verdict.kind === 'ok') continue
    const detail = { subject: subjectOf(cert), issuer: subjectOf(ca), name: displayName(name), constraint: verdict.constraint }
    if (verdict.kind === 'excluded') return fail('NAME_EXCLUDED', detail)
    if (verdict.kind === 'not-permitted') return fail('NAME_NOT_PERMITTED', detail)
    return fail('NAME_CONSTRAINTS_UNCHECKABLE', detail)
  }
  return null
}

function countBases(constraints: NameConstraintsInfo): number {
  return (constraints.permitted?.length ?? 0) + (constraints.excluded?.length ?? 0)
}

export function displayName(name: GeneralName): string {
  switch (name.type) {
    case 'dns':
    case 'email':
    case 'uri':
      return `${name.type.toUpperCase()}:${name.value}`
    case 'ip':
      return `IP:${formatIpBytes(name.bytes)}`
    case 'dn':
      return `DirName:${formatName(name.name)}`
    case 'other':
      return `GeneralName[${name.tag}]`
  }
}
