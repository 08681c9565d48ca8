import type { Downgrade } from '../fingerprint/find-downgrades.js'
import type { DefectResult, Grade, GradeCheck } from './report-card.js'

/**
 * The grade, after Durumeric et al., "The Security Impact of HTTPS
 * Interception" (NDSS 2017), §5.1, which graded each middlebox's upstream
 * connection against what a modern browser would have negotiated:
 *
 * - **A** — security equivalent to a modern browser: no check below fails.
 * - **B** — suboptimal but not known to be exploitable: e.g. it offers or accepts
 *   suites without forward secrecy, drops TLS 1.3 or extended_master_secret,
 *   offers TLS 1.0/1.1 beside 1.2, or tells the client a higher version than it
 *   negotiated upstream (de Carné de Carnavalet & Mannan, NDSS 2016, §5).
 * - **C** — vulnerable to an active man in the middle given the weak parameters
 *   it accepts: it completes a TLS 1.0-only upstream behind a modern-looking
 *   client connection (RFC 8996), offers RC4 or 3DES (RFC 7465, Sweet32),
 *   offers SSL 3.0 (POODLE), drops secure renegotiation (RFC 5746), or masks a
 *   SHA-1-signed or RSA-1024 certificate (practical for a well-funded attacker).
 * - **F** — severely broken: it masks a certificate a browser refuses (self-signed,
 *   untrusted, wrong host, expired, not yet valid, leaf as CA, v1 or pathLen or
 *   name-constraint violations) or an MD5-signed one, offers export, NULL,
 *   anonymous or single-DES suites, or shares its root key across installs (then
 *   anyone with a copy of the product can impersonate every site to every user).
 *
 * The grade is the worst `cap` among failed checks (A when none fails). Checks
 * with cap `null` are measured and shown but do not grade: revocation (browsers
 * soft-fail it too; the paper did not grade it), the post-quantum hybrid group
 * (after the paper; a "harvest now, decrypt later" risk, not an attack today),
 * CBC-only suites (browsers still accept them), what forged leaves copy, and
 * whether the bank's FP step sees through the product.
 */
const DEFECT_CAPS: Record<string, Grade | null> = {
  'self-signed': 'F',
  'untrusted-ca': 'F',
  'wrong-host': 'F',
  expired: 'F',
  'not-yet-valid': 'F',
  'leaf-as-ca': 'F',
  'v1-intermediate': 'F',
  'path-length': 'F',
  'name-constraints': 'F',
  'md5-signature': 'F',
  'sha1-signature': 'C',
  'rsa-1024': 'C',
  'tls10-only': 'C',
  'no-forward-secrecy': 'B',
  'cbc-only': null,
  'revoked-crl': null,
  'revoked-ocsp': null,
}

const BROKEN_SUITE = /_(EXPORT|NULL|anon)_|_WITH_DES_|_DES40_|_NULL_/
const ACTIVE_ATTACK_SUITE = /_(RC4|3DES)_|_DES_EDE/

export interface GradeMeasurements {
  defects: DefectResult[]
  /** The product's upstream hello against the client's (fingerprint/find-downgrades.ts); null when none reached the control. */
  downgrades: Downgrade[] | null
  /** SSL 3.0 in the product's upstream offer. */
  offersSsl3: boolean
  /** Control: the version the client got against the one negotiated upstream. */
  versions: { client: string | null; upstream: string | null }
  /** true/false from two installs; null when the lab issued the CA (the question does not arise). */
  sharedRootKey: boolean | null
  /** Control: what the forged leaf took from the upstream leaf. */
  forgedLeafCopies: { dates: boolean; key: boolean; serial: boolean; subject: boolean } | null
  revocationRequests: { crl: number; ocsp: number }
  /** The bank's FP step on the product's upstream hello (claimed client: the lab's Node client). */
  fingerprint: { verdict: string; summary: string } | null
  legs: { clientGroup: string | null; upstreamGroup: string | null; upstreamOffersTls13: boolean | null; upstreamOffersHybrid: boolean | null }
}

const GRADE_ORDER: readonly Grade[] = ['A', 'B', 'C', 'F']

export function gradeChecks(measured: GradeMeasurements): GradeCheck[] {
  const checks: GradeCheck[] = []
  for (const defect of measured.defects) {
    if (defect.defectClass === 'control') {
      checks.push({
        id: 'control',
        title: 'relays a valid upstream',
        result: defect.verdict === 'relayed' ? 'pass' : 'fail',
        cap: null,
        evidence: defect.reason,
      })
      continue
    }
    const cap = DEFECT_CAPS[defect.defectId] ?? null
    const masked = defect.verdict === 'masked'
    checks.push({
      id: `defect:${defect.defectId}`,
      title: `${defect.title}: not masked`,
      result: masked ? (cap === null ? 'info' : 'fail') : 'pass',
      cap,
      evidence: `${defect.verdict}: ${defect.reason}`,
    })
  }
  const downgrades = measured.downgrades
  const find = (code: Downgrade['code']): Downgrade | undefined => downgrades?.find((d) => d.code === code)
  const weak = find('WEAK_CIPHERS_ADDED')?.actual ?? []
  const broken = weak.filter((name) => BROKEN_SUITE.test(name))
  const activeAttack = weak.filter((name) => ACTIVE_ATTACK_SUITE.test(name) && !BROKEN_SUITE.test(name))
  const hello = (id: string, title: string, failed: boolean | null, cap: Grade | null, evidence: string): void => {
    checks.push({ id, title, result: failed === null ? 'n/a' : failed ? (cap === null ? 'info' : 'fail') : 'pass', cap, evidence })
  }
  const none = downgrades === null
  const noHello = 'no upstream hello reached the control server'
  hello('hello:broken-suites', 'offers no export, NULL, anonymous or DES suites upstream', none ? null : broken.length > 0, 'F', none ? noHello : broken.join(', ') || 'none offered')
  hello('hello:rc4-3des', 'offers no RC4 or 3DES upstream', none ? null : activeAttack.length > 0, 'C', none ? noHello : activeAttack.join(', ') || 'none offered')
  hello('hello:ssl3', 'offers no SSL 3.0 upstream', none ? null : measured.offersSsl3, 'C', none ? noHello : measured.offersSsl3 ? 'SSL 3.0 offered' : 'not offered')
  const reneg = find('RENEGOTIATION_PROTECTION_DROPPED')
  hello('hello:renegotiation', 'keeps secure renegotiation (RFC 5746)', none ? null : reneg !== undefined, 'C', none ? noHello : reneg === undefined ? 'signalled' : 'dropped')
  const staticRsa = find('STATIC_RSA_CIPHERS_ADDED')
  hello('hello:static-rsa', 'adds no suites without forward secrecy', none ? null : staticRsa !== undefined, 'B', none ? noHello : staticRsa?.actual.join(', ') ?? 'none added')
  const maxLowered = find('MAX_VERSION_LOWERED')
  hello('hello:max-version', 'offers the client’s highest version upstream (TLS 1.3)', none ? null : maxLowered !== undefined, 'B', none ? noHello : maxLowered === undefined ? 'same highest version' : `${maxLowered.expected.join()} → ${maxLowered.actual.join()}`)
  const minLowered = find('MIN_VERSION_LOWERED')
  hello('hello:min-version', 'offers no older version than the client', none ? null : minLowered !== undefined, 'B', none ? noHello : minLowered === undefined ? 'same lowest version' : `${minLowered.expected.join()} → ${minLowered.actual.join()}`)
  const ems = find('EXTENDED_MASTER_SECRET_DROPPED')
  hello('hello:ems', 'keeps extended_master_secret (RFC 7627)', none ? null : ems !== undefined, 'B', none ? noHello : ems === undefined ? 'kept' : 'dropped')
  const sha1 = find('SHA1_SIGNATURES_ADDED')
  hello('hello:sha1-sigalgs', 'adds no SHA-1 signature schemes (RFC 9155)', none ? null : sha1 !== undefined, 'B', none ? noHello : sha1?.actual.join(', ') ?? 'none added')
  const hybrid = find('HYBRID_GROUP_REMOVED')
  hello('hello:hybrid', 'keeps the hybrid post-quantum group upstream (X25519MLKEM768)', none ? null : hybrid !== undefined, null, none ? noHello : hybrid === undefined ? 'kept' : `removed; upstream groups: ${hybrid.actual.join(', ')}`)

  const { client, upstream } = measured.versions
  const faked = client !== null && upstream !== null && versionRank(client) > versionRank(upstream)
  hello('legs:version', 'tells the client no higher version than negotiated upstream', client === null || upstream === null ? null : faked, 'B', `client ${client ?? '-'}, upstream ${upstream ?? '-'}`)
  checks.push({
    id: 'install:root-key',
    title: 'a fresh root key per install',
    result: measured.sharedRootKey === null ? 'n/a' : measured.sharedRootKey ? 'fail' : 'pass',
    cap: 'F',
    evidence: measured.sharedRootKey === null ? 'the lab generated this install’s CA (the product has no CA of its own)' : measured.sharedRootKey ? 'two fresh installs have the same CA key' : 'two fresh installs have different CA keys',
  })
  const copies = measured.forgedLeafCopies
  checks.push({
    id: 'forged-leaf',
    title: 'what the forged leaf copies from the upstream leaf',
    result: copies === null ? 'n/a' : 'info',
    cap: null,
    evidence: copies === null ? 'no forged leaf for the control' : (['dates', 'key', 'serial', 'subject'] as const).map((field) => `${field}: ${copies[field] ? 'copied' : 'own'}`).join(', '),
  })
  const control = measured.defects.find((defect) => defect.defectId === 'control')
  const findings = control?.client.verifier?.findings ?? []
  checks.push({
    id: 'forged-leaf:key-identifiers',
    title: 'forged chain carries the key identifiers RFC 5280 §4.2.1.1-2 require',
    result: control?.client.verifier === null || control === undefined ? 'n/a' : findings.length === 0 ? 'pass' : 'info',
    cap: null,
    evidence: findings.length === 0 ? 'present' : findings.join('; '),
  })
  const revocation = measured.revocationRequests
  checks.push({
    id: 'revocation',
    title: 'checks revocation upstream (CRL or OCSP)',
    result: revocation.crl + revocation.ocsp > 0 ? 'pass' : 'info',
    cap: null,
    evidence: `CRL fetches ${revocation.crl}, OCSP requests ${revocation.ocsp}`,
  })
  checks.push({
    id: 'fingerprint',
    title: 'the bank’s FP step on the product’s upstream hello (claimed client: the lab’s)',
    result: measured.fingerprint === null ? 'n/a' : 'info',
    cap: null,
    evidence: measured.fingerprint === null ? noHello : `${measured.fingerprint.verdict}: ${measured.fingerprint.summary}`,
  })
  checks.push({
    id: 'legs:pq',
    title: 'TLS 1.3 and hybrid PQ on each leg',
    result: 'info',
    cap: null,
    evidence: `client leg ${client ?? '-'} / ${measured.legs.clientGroup ?? '-'}; upstream leg ${upstream ?? '-'} / ${measured.legs.upstreamGroup ?? '-'} (offers TLS 1.3: ${yesNo(measured.legs.upstreamOffersTls13)}, hybrid: ${yesNo(measured.legs.upstreamOffersHybrid)})`,
  })
  return checks
}

/** The worst cap among failed checks, A when none fails; and those checks. */
export function gradeFrom(checks: readonly GradeCheck[]): { grade: Grade; decidedBy: string[] } {
  let grade: Grade = 'A'
  for (const check of checks) {
    if (check.result === 'fail' && check.cap !== null && GRADE_ORDER.indexOf(check.cap) > GRADE_ORDER.indexOf(grade)) grade = check.cap
  }
  const decidedBy = grade === 'A' ? [] : checks.filter((check) => check.result === 'fail' && check.cap === grade).map((check) => check.id)
  return { grade, decidedBy }
}

function versionRank(version: string): number {
  return ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'].indexOf(version)
}

function yesNo(value: boolean | null): string {
  return value === null ? '-' : value ? 'yes' : 'no'
}
