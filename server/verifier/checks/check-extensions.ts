import type { StepResult } from '../../steps/step-result.js'
import { EXTENSION_NAMES } from '../../x509/algorithm-names.js'
import { bytesEqual } from '../../x509/der-reader.js'
import { OID } from '../../x509/parse-extensions.js'
import type { ParsedCertificate } from '../../x509/types.js'
import { fail, isSelfIssued, pass, subjectOf, type VerifyContext } from '../context.js'

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
const MUST_BE_NON_CRITICAL = [OID.authorityKeyIdentifier, OID.subjectKeyIdentifier, OID.authorityInfoAccess]

/**
 * CRIT: every certificate's extensions are well-formed, unique and understood
 * when critical (RFC 5280 §4.2), and carry what RFC 5280 requires for the role
 * (AKI, SKI, non-empty names, v3). These are the profile rules a strict client enforces.
 */
export function checkExtensions(ctx: VerifyContext): StepResult {
  const { certs } = ctx.path
  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i]
    if (cert === undefined) continue
    const isAnchor = ctx.path.reachedAnchor && i === certs.length - 1
    const result = checkOne(cert, i === 0, isAnchor, ctx)
    if (result !== null) return result
  }
  return pass('CRIT', 'Every extension is well-formed and understood')
}

function checkOne(cert: ParsedCertificate, isLeaf: boolean, isAnchor: boolean, ctx: VerifyContext): StepResult | null {
  const subject = subjectOf(cert)
  const nameOf = (oid: string): string => EXTENSION_NAMES[oid] ?? oid
  const [problem] = cert.problems
  if (problem !== undefined) return fail(problem.code, { subject, oid: problem.oid, name: nameOf(problem.oid) })
  const unknown = cert.extensions.find((e) => e.critical && !UNDERSTOOD.has(e.oid))
  if (unknown !== undefined) return fail('UNKNOWN_CRITICAL_EXTENSION', { subject, oid: unknown.oid })
  const wronglyCritical = cert.extensions.find((e) => e.critical && MUST_BE_NON_CRITICAL.includes(e.oid as never))
  if (wronglyCritical !== undefined) return fail('EXTENSION_CRITICALITY_INVALID', { subject, oid: wronglyCritical.oid, name: nameOf(wronglyCritical.oid), critical: true })
  // RFC 5280 §4.1.2.4: the issuer MUST be a non-empty name; §4.1.2.6: a CA's subject too.
  if (cert.issuer.length === 0) return fail('EMPTY_NAME', { subject, name: 'issuer name' })
  const isCa = cert.basicConstraints?.isCa === true
  if (isCa && cert.subject.length === 0) return fail('EMPTY_NAME', { subject, name: 'subject name of a CA' })
  // RFC 5280 §4.2.1.6: with an empty subject, subjectAltName MUST be present and critical.
  const san = cert.extensions.find((e) => e.oid === OID.subjectAltName)
  if (cert.subject.length === 0 && san !== undefined && !san.critical) return fail('EXTENSION_CRITICALITY_INVALID', { subject, name: 'subjectAltName', critical: false })
  if (cert.subject.length === 0 && san === undefined) return fail('REQUIRED_EXTENSION_MISSING', { subject, name: 'subjectAltName' })
  // CA/B BR §7.1.2.7.12: otherwise subjectAltName MUST NOT be critical.
  if (ctx.profile === 'webpki' && cert.subject.length > 0 && san?.critical === true) return fail('EXTENSION_CRITICALITY_INVALID', { subject, name: 'subjectAltName', critical: true })
  if (isAnchor) return checkAnchorKeyIds(cert, ctx)
  // CA/B BR §7.1.2.7.10: a subscriber certificate's extKeyUsage MUST NOT be critical.
  const eku = cert.extensions.find((e) => e.oid === OID.extendedKeyUsage)
  if (isLeaf && ctx.profile === 'webpki' && eku?.critical === true) return fail('EXTENSION_CRITICALITY_INVALID', { subject, name: 'extKeyUsage', critical: true })
  // webpki accepts only v3 end-entity and intermediate certificates.
  if (cert.version !== 3) return fail('UNSUPPORTED_VERSION', { subject, version: cert.version })
  const serialProblem = serialNumberProblem(cert.serial)
  if (serialProblem !== null) return fail('INVALID_SERIAL_NUMBER', { subject, reason: serialProblem })
  // RFC 5280 §4.2.1.1: AKI MUST appear in all but self-signed certificates; §4.2.1.2: SKI MUST appear in CAs.
  if (cert.authorityKeyId === null && !isSelfIssued(cert)) return fail('REQUIRED_EXTENSION_MISSING', { subject, name: 'authorityKeyIdentifier' })
  if (!isLeaf && isCa && cert.subjectKeyId === null) return fail('REQUIRED_EXTENSION_MISSING', { subject, name: 'subjectKeyIdentifier' })
  return null
}

/** A root's SKI is required (§4.2.1.2); CA/B BR §7.1.2.1.3: a root's AKI, if any, holds only a keyIdentifier equal to its SKI. */
function checkAnchorKeyIds(cert: ParsedCertificate, ctx: VerifyContext): StepResult | null {
  const subject = subjectOf(cert)
  if (cert.basicConstraints?.isCa === true && cert.subjectKeyId === null) return fail('REQUIRED_EXTENSION_MISSING', { subject, name: 'subjectKeyIdentifier' })
  const aki = cert.authorityKeyId
  if (ctx.profile !== 'webpki' || aki === null || !isSelfIssued(cert)) return null
  const matches = aki.keyIdentifier !== null && cert.subjectKeyId !== null && bytesEqual(aki.keyIdentifier, cert.subjectKeyId)
  if (aki.hasIssuerAndSerial || !matches) return fail('EXTENSION_MALFORMED', { subject, name: 'authorityKeyIdentifier of a root', reason: 'CA/B BR §7.1.2.1.3' })
  return null
}

/** RFC 5280 §4.1.2.2: a positive integer of at most 20 octets. */
function serialNumberProblem(serial: Uint8Array): string | null {
  if (((serial[0] ?? 0) & 0x80) !== 0) return 'negative'
  if (serial.every((byte) => byte === 0)) return 'zero'
  // A leading 0x00 only marks a positive number whose top bit is set; it is not part of the 20 octets.
  const length = serial[0] === 0 && serial.length > 1 ? serial.length - 1 : serial.length
  return length > 20 ? `${length} octets, more than 20` : null
}
