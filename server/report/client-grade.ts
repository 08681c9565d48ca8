import type { StepId } from '../steps/step-ids.js'

/**
 * A client's grade, SSL Labs style (Qualys, "SSL Server Rating Guide"): the
 * client starts at A and each kind of mistake caps the grade; the grade is the
 * lowest cap, and every cap names its reason, so "C" always comes with "why C".
 *
 * The caps are ordered by what an attacker needs to exploit the mistake:
 *
 * - F — anyone on the path gets in with no special access. Accepting a chain no
 *   trusted CA issued (TRUST), a forged signature (SIG) or a certificate for
 *   another name (HOST) means a self-made certificate is enough: the client
 *   verifies nothing that matters (RFC 5280 §6.1, RFC 6125 §6).
 * - C — an attacker who holds *some* valid certificate gets in: accepting a
 *   leaf used as a CA (BC, PATHLEN), wrong key usage (KU, EKU), a name outside
 *   the CA's constraints (NC), an unknown critical extension (CRIT), an expired
 *   or not-yet-valid certificate (DATES, a stolen key of a retired cert), or a
 *   tampered handshake or record (HS, FIN, REC: RFC 8446 §4.4.4, §5.2).
 * - B — the attack needs an extra condition (a weak algorithm broken, a revoked
 *   key, a mis-issued CA caught only by CT or pinning, a downgrade, a stripping
 *   proxy on a client without HSTS), or the client refuses valid sites
 *   (false rejects teach users to click through warnings).
 * - F also when it refuses more than half the controls it met: unusable as
 *   shipped, so its refusals of attacks say little.
 * - D — false accepts in three or more different families: broadly unsafe,
 *   whatever each cap alone says.
 *
 * Results that were not exercised, errors and unmapped errors do not cap the
 * grade (the lab cannot tell); an accepted attack that no check can catch
 * (an installed interception CA) is the scenario's lesson, not a fault.
 * No attack exercised at all: no grade.
 */
export type Grade = 'A' | 'B' | 'C' | 'D' | 'F'

/** Where a family's false accept caps the grade, and the sentence that says why. */
interface FamilyRule {
  family: string
  cap: Grade
  why: string
}

/** The family of an attack is the step that must catch it. FP is the server's finding, never the client's fault. */
export const STEP_FAMILY: Readonly<Record<Exclude<StepId, 'FP'>, FamilyRule>> = {
  TRUST: { family: 'untrusted issuer', cap: 'F', why: 'accepts certificates from an issuer it does not trust: any attacker can forge one' },
  SIG: { family: 'forged signature', cap: 'F', why: 'accepts certificates with a forged signature: any attacker can make one' },
  HOST: { family: 'hostname', cap: 'F', why: 'accepts certificates for another name: any site owner can impersonate the bank' },
  DATES: { family: 'validity dates', cap: 'C', why: 'accepts expired or not-yet-valid certificates' },
  BC: { family: 'chain structure', cap: 'C', why: 'accepts a chain whose issuer is not a CA (basic constraints)' },
  PATHLEN: { family: 'chain structure', cap: 'C', why: 'accepts a chain longer than its CA allows (path length)' },
  KU: { family: 'key usage', cap: 'C', why: 'accepts keys used for what their certificate forbids (key usage)' },
  EKU: { family: 'key usage', cap: 'C', why: 'accepts a certificate not issued for TLS servers (extended key usage)' },
  NC: { family: 'name constraints', cap: 'C', why: "accepts a name outside its CA's name constraints" },
  CRIT: { family: 'critical extensions', cap: 'C', why: 'accepts certificates with critical extensions it does not understand' },
  HS: { family: 'handshake integrity', cap: 'C', why: 'completes a handshake with a peer that does not hold the key or breaks the state machine' },
  FIN: { family: 'handshake integrity', cap: 'C', why: 'accepts a handshake whose transcript was edited on the way' },
  REC: { family: 'record integrity', cap: 'C', why: 'accepts tampered, injected, reordered or truncated records' },
  ALG: { family: 'weak algorithms', cap: 'B', why: 'accepts weak signature algorithms or keys' },
  REV: { family: 'revocation', cap: 'B', why: 'accepts revoked certificates' },
  CT: { family: 'certificate transparency', cap: 'B', why: 'accepts certificates without valid SCTs where CT is required' },
  PIN: { family: 'pinning', cap: 'B', why: 'accepts a trusted but unpinned key where the key is pinned' },
  PROTO: { family: 'protocol downgrade', cap: 'B', why: 'accepts an old protocol version or weak cipher suites' },
  HSTS: { family: 'HSTS', cap: 'B', why: 'follows a stripped http:// link for a host it should know as HSTS' },
}

/**
 * Where the expected failure code says more than the step: a chain from a
 * trusted root that is merely longer than the verifier's path-building budget
 * (RFC 4158 §5; x509-limbo's depth cases) is not "an untrusted issuer".
 */
export const CODE_FAMILY: Readonly<Record<string, FamilyRule>> = {
  // The right name, trusted issuer, but only in the subject CN: a legacy format (RFC 6125 §6.4.4, CA/B
  // Baseline Requirements since 2012), not impersonation — unless the CA's name constraints are bypassed
  // that way, which name-constraints-cn-bypass catches with its own code.
  NO_SUBJECT_ALT_NAME: {
    family: 'subject CN fallback',
    cap: 'C',
    why: 'matches the host in the subject CN of a certificate without subjectAltName (RFC 6125 §6.4.4)',
  },
  MAX_DEPTH_EXCEEDED: {
    family: 'path-building limits',
    cap: 'B',
    why: 'builds chains deeper than a verifier should bound its work (RFC 4158 §5)',
  },
}

const FALSE_REJECT_CAP: Grade = 'B'
const BROADLY_UNSAFE_FAMILIES = 3
const ORDER: readonly Grade[] = ['A', 'B', 'C', 'D', 'F']

/** What the grade is computed from: per client, the counts a summary already has. */
export interface GradeInput {
  /** The expected step of each attack the client accepted although a check catches it (false accepts). */
  falseAcceptSteps: readonly StepId[]
  /** The expected failure code of each of those, same order, when the scenario pins one (see CODE_FAMILY). */
  falseAcceptCodes?: readonly (string | null)[]
  falseRejects: number
  /** Controls the client was run against (absent: the share of false rejects is not judged). */
  controls?: number
  /** Attacks the client met (neither not exercised nor an error). */
  exercisedAttacks: number
}

export interface GradeCap {
  grade: Grade
  reason: string
}

export interface ClientGrade {
  /** Null: no attack was exercised, so there is nothing to grade. */
  grade: Grade | null
  /** Every cap that applied, the lowest grade first; empty for an A. */
  caps: GradeCap[]
  /** One sentence: why this grade (the lowest cap's reason), or why none. */
  reason: string
}

/** Applies the caps described above. */
export function gradeClient(input: GradeInput): ClientGrade {
  if (input.exercisedAttacks === 0) return { grade: null, caps: [], reason: 'not graded: no attack reached this client' }
  const caps: GradeCap[] = []
  const families = new Set<string>()
  // One key per rule: a step, or a step with a code that has a rule of its own.
  const keys = input.falseAcceptSteps.flatMap((step, index) => {
    if (step === 'FP') return []
    const code = input.falseAcceptCodes?.[index] ?? null
    return [code !== null && CODE_FAMILY[code] !== undefined ? `${step} ${code}` : step]
  })
  const countOf = (key: string): number => keys.filter((k) => k === key).length
  // The most frequent mistake first: among equal caps, the reason names what the client gets wrong most.
  for (const key of [...new Set(keys)].sort((a, b) => countOf(b) - countOf(a))) {
    const [step, code] = key.split(' ') as [Exclude<StepId, 'FP'>, string | undefined]
    const rule = (code === undefined ? undefined : CODE_FAMILY[code]) ?? STEP_FAMILY[step]
    families.add(rule.family)
    const count = countOf(key)
    caps.push({ grade: rule.cap, reason: `${rule.why} (${count} ${count === 1 ? 'attack' : 'attacks'} caught by ${step})` })
  }
  if (families.size >= BROADLY_UNSAFE_FAMILIES && !caps.some((cap) => cap.grade === 'F')) {
    caps.push({ grade: 'D', reason: `falls for attacks in ${families.size} different families: ${[...families].join(', ')}` })
  }
  if (input.controls !== undefined && input.controls > 0 && input.falseRejects * 2 > input.controls) {
    // Refusing most valid sites is no safety: the client cannot be used as shipped, and its users learn to
    // click through or switch the check off (Akhawe & Felt, USENIX Security 2013, on warning fatigue).
    caps.push({
      grade: 'F',
      reason: `refuses ${input.falseRejects} of ${input.controls} valid connections: unusable as shipped, so its refusals of attacks say little`,
    })
  } else if (input.falseRejects > 0) {
    caps.push({
      grade: FALSE_REJECT_CAP,
      reason: `refuses ${input.falseRejects} valid ${input.falseRejects === 1 ? 'connection' : 'connections'} (false rejects teach users to click through)`,
    })
  }
  caps.sort((a, b) => ORDER.indexOf(b.grade) - ORDER.indexOf(a.grade))
  const lowest = caps[0]
  if (lowest === undefined) return { grade: 'A', caps, reason: 'refuses every attack a check can catch and accepts every control' }
  return { grade: lowest.grade, caps, reason: `capped at ${lowest.grade}: ${lowest.reason}` }
}

/** The families a client falls for, by name, in first-seen order (codes as in GradeInput). */
export function familiesOf(falseAcceptSteps: readonly StepId[], falseAcceptCodes: readonly (string | null)[] = []): string[] {
  return [
    ...new Set(
      falseAcceptSteps.flatMap((step, index) => {
        if (step === 'FP') return []
        const code = falseAcceptCodes[index] ?? null
        return [(code === null ? undefined : CODE_FAMILY[code])?.family ?? STEP_FAMILY[step].family]
      }),
    ),
  ]
}
