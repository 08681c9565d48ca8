import { decodeOid, readChildren, readSingle, type Tlv } from './der-reader.js'
import { parseGeneralName, parseGeneralNames } from './parse-general-names.js'
import type {
  AuthorityKeyIdInfo,
  BasicConstraintsInfo,
  GeneralName,
  KeyUsageName,
  NameConstraintsInfo,
  ParsedExtension,
} from './types.js'

export const OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extendedKeyUsage: '2.5.29.37',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension (RFC 5280 §4.1). */
export function parseExtensionList(tlv: Tlv): ParsedExtension[] | null {
  const items = tlv.identifier === 0x30 ? readChildren(tlv.value) : null
  if (items === null || items.length === 0) return null
  const extensions: ParsedExtension[] = []
  for (const item of items) {
    const parts = item.identifier === 0x30 ? readChildren(item.value) : null
    if (parts === null || parts.length < 2 || parts.length > 3) return null
    const [oidTlv, second, third] = parts
    const oid = oidTlv?.identifier === 0x06 ? decodeOid(oidTlv.value) : null
    if (oid === null || second === undefined) return null
    let critical = false
    let valueTlv = second
    if (third !== undefined) {
      if (second.identifier !== 0x01 || second.value.length !== 1) return null
      critical = second.value[0] !== 0
      valueTlv = third
    }
    if (valueTlv.identifier !== 0x04) return null
    extensions.push({ oid, critical, value: valueTlv.value })
  }
  return extensions
}

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } (§4.2.1.9). */
export function parseBasicConstraints(extension: ParsedExtension): BasicConstraintsInfo | null {
  const sequence = readSingle(extension.value)
  const parts = sequence?.identifier === 0x30 ? readChildren(sequence.value) : null
  if (parts === null || parts.length > 2) return null
  let isCa = false
  let pathLen: number | null = null
  for (const part of parts) {
    if (part.identifier === 0x01 && part.value.length === 1 && pathLen === null) isCa = part.value[0] !== 0
    else if (part.identifier === 0x02 && part.value.length >= 1 && part.value.length <= 4 && ((part.value[0] ?? 0) & 0x80) === 0)
      pathLen = part.value.reduce((n, b) => n * 256 + b, 0)
    else return null
  }
  return { isCa, pathLen, critical: extension.critical }
}

const KEY_USAGE_BITS: KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
]

/** KeyUsage ::= BIT STRING (§4.2.1.3). */
export function parseKeyUsage(extension: ParsedExtension): Set<KeyUsageName> | null {
  const bits = readSingle(extension.value)
  if (bits === null || bits.identifier !== 0x03 || bits.value.length < 1 || (bits.value[0] ?? 8) > 7) return null
  const usages = new Set<KeyUsageName>()
  KEY_USAGE_BITS.forEach((name, index) => {
    const byte = bits.value[1 + (index >> 3)] ?? 0
    if (byte & (0x80 >> (index & 7))) usages.add(name)
  })
  return usages
}

/** ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId (§4.2.1.12). An empty list is returned as []. */
export function parseExtendedKeyUsage(extension: ParsedExtension): string[] | null {
  const sequence = readSingle(extension.value)
  const items = sequence?.identifier === 0x30 ? readChildren(sequence.value) : null
  if (items === null) return null
  const oids: string[] = []
  for (const item of items) {
    const oid = item.identifier === 0x06 ? decodeOid(item.value) : null
    if (oid === null) return null
    oids.push(oid)
  }
  return oids
}

export function parseSubjectAltName(extension: ParsedExtension): GeneralName[] | null {
  return parseGeneralNames(extension.value)
}

/** NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL, excludedSubtrees [1] ... } (§4.2.1.10). */
export function parseNameConstraints(extension: ParsedExtension): NameConstraintsInfo | null {
  const sequence = readSingle(extension.value)
  const parts = sequence?.identifier === 0x30 ? readChildren(sequence.value) : null
  if (parts === null) return null
  let permitted: GeneralName[] | null = null
  let excluded: GeneralName[] | null = null
  for (const part of parts) {
    const subtrees = parseSubtrees(part)
    if (subtrees === null) return null
    if (part.identifier === 0xa0 && permitted === null && excluded === null) permitted = subtrees
    else if (part.identifier === 0xa1 && excluded === null) excluded = subtrees
    else return null
  }
  return { permitted, excluded, critical: extension.critical }
}

/** GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] DEFAULT 0, maximum [1] OPTIONAL }; §4.2.1.10 fixes min 0, no max. */
function parseSubtrees(tlv: Tlv): GeneralName[] | null {
  const items = readChildren(tlv.value)
  if (items === null || items.length === 0) return null
  const bases: GeneralName[] = []
  for (const item of items) {
    const parts = item.identifier === 0x30 ? readChildren(item.value) : null
    const [baseTlv, ...rest] = parts ?? []
    if (baseTlv === undefined || rest.length > 0) return null
    const base = parseGeneralName(baseTlv)
    if (base === null) return null
    bases.push(base)
  }
  return bases
}

/** AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription { accessMethod OID, accessLocation GeneralName } (§4.2.2.1). */
export function parseAuthorityInfoAccess(extension: ParsedExtension): { method: string; location: GeneralName }[] | null {
  const sequence = readSingle(extension.value)
  const items = sequence?.identifier === 0x30 ? readChildren(sequence.value) : null
  if (items === null || items.length === 0) return null
  const descriptions: { method: string; location: GeneralName }[] = []
  for (const item of items) {
    const parts = item.identifier === 0x30 ? readChildren(item.value) : null
    const [methodTlv, locationTlv] = parts ?? []
    if (parts?.length !== 2 || methodTlv?.identifier !== 0x06 || locationTlv === undefined) return null
    const method = decodeOid(methodTlv.value)
    const location = parseGeneralName(locationTlv)
    if (method === null || location === null) return null
    descriptions.push({ method, location })
  }
  return descriptions
}

export function parseSubjectKeyId(extension: ParsedExtension): Uint8Array | null {
  const octets = readSingle(extension.value)
  return octets?.identifier === 0x04 ? octets.value : null
}

/** AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0], authorityCertIssuer [1], authorityCertSerialNumber [2] } (§4.2.1.1). */
export function parseAuthorityKeyId(extension: ParsedExtension): AuthorityKeyIdInfo | null {
  const sequence = readSingle(extension.value)
  const parts = sequence?.identifier === 0x30 ? readChildren(sequence.value) : null
  if (parts === null) return null
  let keyIdentifier: Uint8Array | null = null
  let hasIssuerAndSerial = false
  for (const part of parts) {
    if (part.identifier === 0x80) keyIdentifier = part.value
    else if (part.identifier === 0xa1 || part.identifier === 0x82) hasIssuerAndSerial = true
    else return null
  }
  return { keyIdentifier, hasIssuerAndSerial, critical: extension.critical }
}
