import type { Scenario } from '../../scenarios/define-scenario.js'

/**
 * The families a trainee can pick a quiz from: what the attacker does or where
 * it sits, not which step stops it (a family holds attacks caught by several
 * steps, and some nothing catches). Each attack belongs to the first family
 * whose tags it carries, in this order; `certificates` takes the rest.
 */
export const QUIZ_FAMILIES = [
  { id: 'handshake', title: 'Handshake and record tampering', tags: ['handshake'] },
  { id: 'sslstrip', title: 'sslstrip and the first plain-HTTP visit', tags: ['http', 'sslstrip'] },
  { id: 'revocation', title: 'Stolen and revoked certificates', tags: ['revocation'] },
  { id: 'protocol', title: 'Protocol and cipher downgrades', tags: ['protocol', 'downgrade', 'cipher'] },
  { id: 'strategy', title: 'Attacker strategies (probabilistic, explicit proxy)', tags: ['strategy'] },
  { id: 'interception', title: 'Trusted interception and rogue CAs', tags: ['trusted-rogue', 'interception', 'forging-strategy'] },
  { id: 'crypto', title: 'Weak algorithms and keys', tags: ['algorithms'] },
  { id: 'names', title: 'Names and hostnames', tags: ['hostname', 'names'] },
  { id: 'certificates', title: 'Forged and malformed certificate chains', tags: [] },
] as const

export type QuizFamilyId = (typeof QUIZ_FAMILIES)[number]['id'] | 'all'

export const QUIZ_FAMILY_IDS: readonly QuizFamilyId[] = ['all', ...QUIZ_FAMILIES.map((family) => family.id)]

export function familyOf(scenario: Pick<Scenario, 'tags'>): Exclude<QuizFamilyId, 'all'> {
  const family = QUIZ_FAMILIES.find((candidate) => candidate.tags.some((tag) => scenario.tags.includes(tag)))
  return family?.id ?? 'certificates'
}

/** The attacks of a family (every attack for 'all'), in catalog order. Controls teach little in a quiz. */
export function attacksOf(family: QuizFamilyId, catalog: readonly Scenario[]): Scenario[] {
  return catalog.filter((scenario) => scenario.kind === 'attack' && (family === 'all' || familyOf(scenario) === family))
}

export function isQuizFamily(value: string): value is QuizFamilyId {
  return (QUIZ_FAMILY_IDS as readonly string[]).includes(value)
}
