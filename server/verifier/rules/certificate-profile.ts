import { bytesEqual } from '../../x509/der-reader.js'
import type { ParsedCertificate } from '../../x509/types.js'
import { isSelfIssued } from '../context.js'
import type { VerifyProfile } from '../types.js'
import type { PathRole, RuleFailure } from './rule-failure.js'

/** RFC 5280 profile rules outside extensions: names, version, serial, key identifiers. Null when all hold. */
export function profileRuleFailure(cert: ParsedCertificate, role: PathRole, profile: VerifyProfile, subject: string): RuleFailure | null {
  const isCa = cert.basicConstraints?.isCa === true
  // RFC 5280 §4.1.2.4: the issuer MUST be a non-empty name; §4.1.2.6: a CA's subject too.
  if (cert.issuer.length === 0) return { code: 'EMPTY_NAME', detail: { subject, name: 'issuer name' } }
  if (isCa && cert.subject.length === 0) return { code: 'EMPTY_NAME', detail: { subject, name: 'subject name of a CA' } }
  if (role === 'anchor') return anchorKeyIdFailure(cert, profile, subject)
  // webpki accepts only v3 end-entity and intermediate certificates.
  if (cert.version !== 3) return { code: 'UNSUPPORTED_VERSION', detail: { subject, version: cert.version } }
  const serialProblem = serialNumberProblem(cert.serial)
  if (serialProblem !== null) return { code: 'INVALID_SERIAL_NUMBER', detail: { subject, reason: serialProblem } }
  // RFC 5280 §4.2.1.1: AKI MUST appear in all but self-signed certificates; §4.2.1.2: SKI MUST appear in CAs.
  if (cert.authorityKeyId === null && !isSelfIssued(cert)) return { code: 'REQUIRED_EXTENSION_MISSING', detail: { subject, name: 'authorityKeyIdentifier' } }
  if (role === 'intermediate' && isCa && cert.subjectKeyId === null) return { code: 'REQUIRED_EXTENSION_MISSING', detail: { subject, name: 'subjectKeyIdentifier' } }
  return null
}

/** A root's SKI is required (§4.2.1.2); CA/B BR §7.1.2.1.3: a root's AKI, if any, holds only a keyIdentifier equal to its SKI. */
function anchorKeyIdFailure(cert: ParsedCertificate, profile: VerifyProfile, subject: string): RuleFailure | null {
  if (cert.basicConstraints?.isCa === true && cert.subjectKeyId === null) return { code: 'REQUIRED_EXTENSION_MISSING', detail: { subject, name: 'subjectKeyIdentifier' } }
  const aki = cert.authorityKeyId
  if (profile !== 'webpki' || aki === null || !isSelfIssued(cert)) return null
  const matches = aki.keyIdentifier !== null && cert.subjectKeyId !== null && bytesEqual(aki.keyIdentifier, cert.subjectKeyId)
  if (aki.hasIssuerAndSerial || !matches) return { code: 'EXTENSION_MALFORMED', detail: { subject, name: 'authorityKeyIdentifier of a root', reason: 'CA/B BR §7.1.2.1.3' } }
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
