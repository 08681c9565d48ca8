import type { GeneralName, NameConstraintsInfo } from '../../x509/types.js'
import type { VerifyProfile } from '../types.js'
import { isValidDnsName, normalizeDnsName } from './dns-name.js'
import { presentedDnsNameProblem } from './match-hostname.js'
import {
  dnWithinSubtree,
  dnsMayOverlapSubtree,
  dnsWithinSubtree,
  emailWithinSubtree,
  ipWithinSubtree,
  isValidIpBase,
  uriWithinSubtree,
} from './subtree-match.js'

export type SubtreeVerdict =
  | { kind: 'ok' }
  | { kind: 'excluded'; constraint: string }
  | { kind: 'not-permitted'; constraint: string }
  | { kind: 'uncheckable'; constraint: string }

const problemMemo = new WeakMap<NameConstraintsInfo, Map<VerifyProfile, string | null>>()

/** Why a nameConstraints extension is unusable, or null (RFC 5280 §4.2.1.10). Memoized per parsed extension. */
export function nameConstraintProblem(constraints: NameConstraintsInfo, profile: VerifyProfile): string | null {
  let byProfile = problemMemo.get(constraints)
  if (byProfile === undefined) problemMemo.set(constraints, (byProfile = new Map()))
  const cached = byProfile.get(profile)
  if (cached !== undefined) return cached
  const problem = findProblem(constraints, profile)
  byProfile.set(profile, problem)
  return problem
}

function findProblem(constraints: NameConstraintsInfo, profile: VerifyProfile): string | null {
  if (constraints.permitted === null && constraints.excluded === null) return 'neither permitted nor excluded subtrees'
  // RFC 5280 §4.2.1.10 MUST be critical; the Web PKI tolerates non-critical (CA/B BR §7.1.2.5.2 allows it).
  if (profile === 'rfc5280' && !constraints.critical) return 'not marked critical'
  for (const base of [...(constraints.permitted ?? []), ...(constraints.excluded ?? [])]) {
    if (base.type === 'dns' && base.value !== '' && !isValidDnsName(normalizeDnsName(base.value))) return `invalid dNSName base "${base.value}"`
    if (base.type === 'ip' && !isValidIpBase(base.bytes)) return 'invalid iPAddress base'
  }
  return null
}

/** Where one name stands against one CA's constraints. */
export function subtreeVerdict(name: GeneralName, constraints: NameConstraintsInfo): SubtreeVerdict {
  const excluded = constraints.excluded ?? []
  const permitted = (constraints.permitted ?? []).filter((base) => sameType(base, name))
  const constrainedAtAll = excluded.some((b) => sameType(b, name)) || permitted.length > 0
  if (!constrainedAtAll) return { kind: 'ok' }
  if (!isCheckable(name)) return { kind: 'uncheckable', constraint: name.type }
  const hit = excluded.find((base) => sameType(base, name) && within(name, base, true))
  if (hit !== undefined) return { kind: 'excluded', constraint: describeBase(hit) }
  if (permitted.length > 0 && !permitted.some((base) => within(name, base, false)))
    return { kind: 'not-permitted', constraint: permitted.map(describeBase).join(', ') }
  return { kind: 'ok' }
}

function sameType(a: GeneralName, b: GeneralName): boolean {
  if (a.type !== b.type) return false
  return a.type !== 'other' || b.type !== 'other' || a.tag === b.tag
}

/** A name we can compare: valid DNS/IP/email syntax; other forms (otherName, x400, ...) cannot be. */
function isCheckable(name: GeneralName): boolean {
  switch (name.type) {
    case 'dns':
      return presentedDnsNameProblem(name.value) === null || isValidDnsName(normalizeDnsName(name.value))
    case 'ip':
      return name.bytes.length === 4 || name.bytes.length === 16
    case 'email':
      return /^[^@\s]+@[^@\s]+$/.test(name.value)
    case 'uri':
    case 'dn':
      return true
    case 'other':
      return false
  }
}

function within(name: GeneralName, base: GeneralName, forExclusion: boolean): boolean {
  if (name.type === 'dns' && base.type === 'dns') return forExclusion ? dnsMayOverlapSubtree(name.value, base.value) : dnsWithinSubtree(name.value, base.value)
  if (name.type === 'ip' && base.type === 'ip') return ipWithinSubtree(name.bytes, base.bytes)
  if (name.type === 'email' && base.type === 'email') return emailWithinSubtree(name.value, base.value)
  if (name.type === 'uri' && base.type === 'uri') return uriWithinSubtree(name.value, base.value)
  if (name.type === 'dn' && base.type === 'dn') return dnWithinSubtree(name, base)
  return false
}

function describeBase(base: GeneralName): string {
  if (base.type === 'ip') return `IP ${Buffer.from(base.bytes).toString('hex')}`
  if (base.type === 'dn' || base.type === 'other') return base.type
  return `${base.type} "${base.value}"`
}
