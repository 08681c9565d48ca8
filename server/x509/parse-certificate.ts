import { readChildren, readSingle, toHex, type Tlv } from './der-reader.js'
import { parseAlgorithmIdentifier } from './parse-algorithm.js'
import {
  OID,
  parseAuthorityKeyId,
  parseBasicConstraints,
  parseExtendedKeyUsage,
  parseExtensionList,
  parseKeyUsage,
  parseAuthorityInfoAccess,
  parseNameConstraints,
  parseSubjectAltName,
  parseSubjectKeyId,
} from './parse-extensions.js'
import { parseName } from './parse-name.js'
import { parsePublicKey } from './parse-public-key.js'
import { parseTime } from './parse-time.js'
import type { CertificateProblem, ParseResult, ParsedCertificate, ParsedExtension } from './types.js'

/**
 * Parses a DER certificate (RFC 5280 §4.1) strictly. Malformed input is a
 * `{ ok: false, reason }` value, never an exception.
 *
 * Why a DER reader of our own and not @peculiar/asn1-x509's `Certificate`:
 * the verifier compares names byte for byte (RFC 5280 §7.1), needs IP masks and
 * dNSName bytes exactly (NULs, non-contiguous masks) where @peculiar's
 * converters normalise, and must reject BER leniencies (indefinite lengths,
 * fractional seconds) that asn1js accepts. CRLs, a larger structure compared
 * less finely, use @peculiar (parse-crl.ts).
 *
 * @example
 * const parsed = parseCertificate(der)
 * if (parsed.ok) console.log(parsed.value.subjectAltNames)
 */
export function parseCertificate(der: Uint8Array): ParseResult<ParsedCertificate> {
  try {
    return parseStrict(der)
  } catch (cause) {
    // Defensive: the reader returns null on bad input, so this is a bug, reported as a value to keep verify() total.
    return { ok: false, reason: `parser error: ${cause instanceof Error ? cause.message : String(cause)}` }
  }
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason }
}

function parseStrict(der: Uint8Array): ParseResult<ParsedCertificate> {
  const certificate = readSingle(der)
  const outer = certificate?.identifier === 0x30 ? readChildren(certificate.value) : null
  const [tbs, outerAlgorithmTlv, signatureTlv] = outer ?? []
  if (outer?.length !== 3 || tbs === undefined || outerAlgorithmTlv === undefined || signatureTlv === undefined)
    return fail('not a DER Certificate SEQUENCE of three elements')
  if (tbs.identifier !== 0x30) return fail('TBSCertificate is not a SEQUENCE')
  const signatureAlgorithm = parseAlgorithmIdentifier(outerAlgorithmTlv)
  if (signatureAlgorithm === null) return fail('malformed signatureAlgorithm')
  if (signatureTlv.identifier !== 0x03 || signatureTlv.value[0] !== 0) return fail('malformed signatureValue')

  const fields = readChildren(tbs.value)
  if (fields === null) return fail('malformed TBSCertificate')
  let index = 0
  let version = 1
  const first = fields[0]
  if (first?.identifier === 0xa0) {
    const inner = readSingle(first.value)
    if (inner?.identifier !== 0x02 || inner.value.length !== 1) return fail('malformed version')
    version = (inner.value[0] ?? 0) + 1
    // DER: DEFAULT v1 must be omitted (X.690 §11.5); v4+ does not exist.
    if (version === 1 || version > 3) return fail(`invalid version ${version}`)
    index = 1
  }
  const [serialTlv, innerAlgorithmTlv, issuerTlv, validityTlv, subjectTlv, spkiTlv, ...rest] = fields.slice(index)
  if (
    serialTlv?.identifier !== 0x02 ||
    innerAlgorithmTlv === undefined ||
    issuerTlv?.identifier !== 0x30 ||
    validityTlv?.identifier !== 0x30 ||
    subjectTlv?.identifier !== 0x30 ||
    spkiTlv?.identifier !== 0x30 ||
    serialTlv.value.length === 0
  )
    return fail('malformed TBSCertificate fields')
  const tbsSignatureAlgorithm = parseAlgorithmIdentifier(innerAlgorithmTlv)
  const issuer = parseName(issuerTlv.raw)
  const subject = parseName(subjectTlv.raw)
  const times = readChildren(validityTlv.value)
  const notBefore = times?.length === 2 && times[0] !== undefined ? parseTime(times[0]) : null
  const notAfter = times?.length === 2 && times[1] !== undefined ? parseTime(times[1]) : null
  const publicKey = parsePublicKey(spkiTlv)
  if (tbsSignatureAlgorithm === null) return fail('malformed TBSCertificate signature algorithm')
  if (issuer === null || subject === null) return fail('malformed issuer or subject name')
  if (notBefore === null || notAfter === null) return fail('malformed validity (RFC 5280 §4.1.2.5 time format)')
  if (publicKey === null) return fail('malformed SubjectPublicKeyInfo')

  const extensionsResult = parseOptionalTail(rest, version)
  if (typeof extensionsResult === 'string') return fail(extensionsResult)
  const problems: CertificateProblem[] = []
  const seen = new Set<string>()
  for (const extension of extensionsResult) {
    // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of an extension.
    if (seen.has(extension.oid)) problems.push({ code: 'DUPLICATE_EXTENSION', oid: extension.oid })
    seen.add(extension.oid)
  }
  const decode = <T>(oid: string, parse: (extension: ParsedExtension) => T | null): T | null => {
    const extension = extensionsResult.find((e) => e.oid === oid)
    if (extension === undefined) return null
    const value = parse(extension)
    if (value === null) problems.push({ code: 'EXTENSION_MALFORMED', oid })
    return value
  }

  // Decoded only to validate its syntax: the verifier never fetches (no I/O).
  decode(OID.authorityInfoAccess, parseAuthorityInfoAccess)
  return {
    ok: true,
    value: {
      der,
      tbsDer: tbs.raw,
      version,
      serial: serialTlv.value,
      serialHex: toHex(serialTlv.value),
      signatureAlgorithm,
      tbsSignatureAlgorithm,
      signature: signatureTlv.value.subarray(1),
      issuerDer: issuerTlv.raw,
      subjectDer: subjectTlv.raw,
      issuer,
      subject,
      notBefore,
      notAfter,
      spkiDer: spkiTlv.raw,
      publicKey,
      extensions: extensionsResult,
      basicConstraints: decode(OID.basicConstraints, parseBasicConstraints),
      keyUsage: decode(OID.keyUsage, parseKeyUsage),
      extendedKeyUsage: decode(OID.extendedKeyUsage, parseExtendedKeyUsage),
      subjectAltNames: decode(OID.subjectAltName, parseSubjectAltName),
      nameConstraints: decode(OID.nameConstraints, parseNameConstraints),
      subjectKeyId: decode(OID.subjectKeyIdentifier, parseSubjectKeyId),
      authorityKeyId: decode(OID.authorityKeyIdentifier, parseAuthorityKeyId),
      problems,
    },
  }
}

/** issuerUniqueID [1], subjectUniqueID [2] (v2+), extensions [3] EXPLICIT (v3 only). */
function parseOptionalTail(rest: Tlv[], version: number): ParsedExtension[] | string {
  let extensions: ParsedExtension[] = []
  let lastTag = 0
  for (const field of rest) {
    const tag = field.tagNumber
    if (field.tagClass !== 2 || tag <= lastTag || tag > 3) return 'unexpected field after SubjectPublicKeyInfo'
    lastTag = tag
    if (tag < 3) {
      if (version < 2) return 'unique identifiers in a v1 certificate'
      continue
    }
    if (version !== 3) return 'extensions in a certificate that is not v3'
    const list = field.constructed ? readSingle(field.value) : null
    const parsed = list === null ? null : parseExtensionList(list)
    if (parsed === null) return 'malformed extensions'
    extensions = parsed
  }
  return extensions
}
