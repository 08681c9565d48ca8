import { EXTENSION_NAMES } from '../../x509/algorithm-names.js'
import { OID } from '../../x509/parse-extensions.js'
import type { ParsedCertificate } from '../../x509/types.js'
import type { VerifyProfile } from '../types.js'
import type { PathRole, RuleFailure } from './rule-failure.js'

/** Extensions the verifier processes or may safely ignore when critical (RFC 5280 §4.2: "MUST recognize"). */
const UNDERSTOOD = new Set<string>([
  OID.subjectKeyIdentifier,
  OID.keyUsage,
  OID.subjectAltName,
  OID.basicConstraints,
  OID.nameConstraints,
  OID.crlDistributionPoints,
  OID.certificatePolicies,
  OID.authorityKeyIdentifier,
  OID.extendedKeyUsage,
  OID.authorityInfoAccess,
  '2.5.29.18', // issuerAltName
  '1.3.6.1.5.5.7.1.24', // TLS feature (RFC 7633)
  '1.3.6.1.4.1.11129.2.4.2', // SCT list (RFC 6962)
])

/** RFC 5280 §4.2.1.1, §4.2.1.2, §4.2.2.1: these MUST be non-critical. */
const MUST_BE_NON_CRITICAL = new Set<string>([OID.authorityKeyIdentifier, OID.subjectKeyIdentifier, OID.authorityInfoAccess])

const nameOf = (oid: string): string => EXTENSION_NAMES[oid] ?? oid

/** Extension syntax, uniqueness and criticality (RFC 5280 §4.2), in RFC order; null when all hold. */
export function extensionRuleFailure(cert: ParsedCertificate, role: PathRole, profile: VerifyProfile, subject: string): RuleFailure | null {
  const [problem] = cert.problems
  if (problem !== undefined) return { code: problem.code, detail: { subject, oid: problem.oid, name: nameOf(problem.oid) } }
  const unknown = cert.extensions.find((e) => e.critical && !UNDERSTOOD.has(e.oid))
  if (unknown !== undefined) return { code: 'UNKNOWN_CRITICAL_EXTENSION', detail: { subject, oid: unknown.oid } }
  const wronglyCritical = cert.extensions.find((e) => e.critical && MUST_BE_NON_CRITICAL.has(e.oid))
  if (wronglyCritical !== undefined)
    return { code: 'EXTENSION_CRITICALITY_INVALID', detail: { subject, oid: wronglyCritical.oid, name: nameOf(wronglyCritical.oid), critical: true } }
  const san = cert.extensions.find((e) => e.oid === OID.subjectAltName)
  // RFC 5280 §4.2.1.6: with an empty subject, subjectAltName MUST be present and critical.
  if (cert.subject.length === 0 && san === undefined) return { code: 'REQUIRED_EXTENSION_MISSING', detail: { subject, name: 'subjectAltName' } }
  if (cert.subject.length === 0 && san?.critical === false) return { code: 'EXTENSION_CRITICALITY_INVALID', detail: { subject, name: 'subjectAltName', critical: false } }
  // CA/B BR §7.1.2.7.12: otherwise subjectAltName MUST NOT be critical.
  if (profile === 'webpki' && cert.subject.length > 0 && san?.critical === true)
    return { code: 'EXTENSION_CRITICALITY_INVALID', detail: { subject, name: 'subjectAltName', critical: true } }
  // CA/B BR §7.1.2.7.10: a subscriber certificate's extKeyUsage MUST NOT be critical.
  const eku = cert.extensions.find((e) => e.oid === OID.extendedKeyUsage)
  if (role === 'leaf' && profile === 'webpki' && eku?.critical === true)
    return { code: 'EXTENSION_CRITICALITY_INVALID', detail: { subject, name: 'extKeyUsage', critical: true } }
  return null
}
