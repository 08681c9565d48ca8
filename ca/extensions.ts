import { createHash } from 'node:crypto'
import forge, { type ForgeAsn1 } from './forge.js'
import { asn1Sequence, subtreeBaseToAsn1, toForgeAltName, type GeneralNameSpec, type SubtreeSpec } from './general-names.js'
import type { KeyUsageName } from '../server/x509/types.js'

const { Class, Type } = forge.asn1

/** The RFC 5280 §4.2.1.3 bit names: one vocabulary for what the lab issues and what the verifier reads. */
export type { KeyUsageName }

/** RFC 5280 §4.2.1.12 purposes by name; any other dotted OID is written as given. */
export const EKU_OIDS = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const

export type EkuName = keyof typeof EKU_OIDS

export interface BasicConstraintsSpec {
  ca: boolean
  /** Default: absent (no limit). */
  pathLen?: number
  /** Default: true for CAs (RFC 5280 §4.2.1.9 MUST), false for leaves. */
  critical?: boolean
}

export interface NameConstraintsSpec {
  permitted?: SubtreeSpec[]
  excluded?: SubtreeSpec[]
  /** Default: true (RFC 5280 §4.2.1.10 MUST). */
  critical?: boolean
}

/** An extension written byte for byte: SCT lists, unknown critical extensions, policies. */
export interface RawExtensionSpec {
  oid: string
  critical: boolean
  valueDer: Buffer
}

/** The extension-related fields of IssueCertificateParams; `undefined` means "omit". */
export interface ExtensionParams {
  sans?: GeneralNameSpec[]
  basicConstraints?: BasicConstraintsSpec
  keyUsage?: KeyUsageName[]
  extendedKeyUsage?: (EkuName | string)[]
  nameConstraints?: NameConstraintsSpec
  /** OCSP responder URL, written as an Authority Information Access entry (RFC 5280 §4.2.2.1). */
  ocspUrl?: string
  /** CRL distribution point URL (RFC 5280 §4.2.1.13). */
  crlUrl?: string
  /** RFC 7633 TLS Feature status_request: "must-staple". */
  mustStaple?: boolean
  extra?: RawExtensionSpec[]
}

type ForgeExtension = { id?: string; name?: string; critical?: boolean; value?: string; [key: string]: unknown }

export function buildExtensions(
  params: ExtensionParams,
  subjectSpki: Buffer,
  issuerSpki: Buffer | null,
): ForgeExtension[] {
  const extensions: ForgeExtension[] = []
  const bc = params.basicConstraints
  if (bc !== undefined) {
    const value = bc.ca && bc.pathLen !== undefined ? { cA: true, pathLenConstraint: bc.pathLen } : { cA: bc.ca }
    extensions.push({ name: 'basicConstraints', critical: bc.critical ?? bc.ca, ...value })
  }
  if (params.keyUsage !== undefined) {
    // RFC 5280 §4.2.1.3: SHOULD be critical when present.
    extensions.push({ name: 'keyUsage', critical: true, ...Object.fromEntries(params.keyUsage.map((u) => [u, true])) })
  }
  if (params.extendedKeyUsage !== undefined) {
    const oids = params.extendedKeyUsage.map((u) => (u in EKU_OIDS ? EKU_OIDS[u as EkuName] : u))
    extensions.push(raw('2.5.29.37', false, asn1Sequence(oids.map(oidNode))))
  }
  if (params.sans !== undefined && params.sans.length > 0) {
    extensions.push({ name: 'subjectAltName', critical: false, altNames: params.sans.map(toForgeAltName) })
  }
  if (params.nameConstraints !== undefined) {
    extensions.push(nameConstraintsExtension(params.nameConstraints))
  }
  // RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING.
  extensions.push(raw('2.5.29.14', false, octets(keyIdentifier(subjectSpki))))
  if (issuerSpki !== null) {
    const keyId = forge.asn1.create(Class.CONTEXT_SPECIFIC, 0, false, keyIdentifier(issuerSpki).toString('binary'))
    extensions.push(raw('2.5.29.35', false, asn1Sequence([keyId])))
  }
  if (params.ocspUrl !== undefined) {
    const ocsp = asn1Sequence([oidNode('1.3.6.1.5.5.7.48.1'), uriNode(params.ocspUrl)])
    extensions.push(raw('1.3.6.1.5.5.7.1.1', false, asn1Sequence([ocsp])))
  }
  if (params.crlUrl !== undefined) {
    const fullName = forge.asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [uriNode(params.crlUrl)])
    const point = forge.asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [fullName])
    extensions.push(raw('2.5.29.31', false, asn1Sequence([asn1Sequence([point])])))
  }
  if (params.mustStaple === true) {
    // RFC 7633 §4.2.1: Features ::= SEQUENCE OF INTEGER; 5 = status_request.
    const statusRequest = forge.asn1.create(Class.UNIVERSAL, Type.INTEGER, false, '\x05')
    extensions.push(raw('1.3.6.1.5.5.7.1.24', false, asn1Sequence([statusRequest])))
  }
  for (const extension of params.extra ?? []) {
    extensions.push({ id: extension.oid, critical: extension.critical, value: extension.valueDer.toString('binary') })
  }
  return extensions
}

function nameConstraintsExtension(spec: NameConstraintsSpec): ForgeExtension {
  const subtrees = (tag: number, list: SubtreeSpec[]): ForgeAsn1 =>
    forge.asn1.create(
      Class.CONTEXT_SPECIFIC,
      tag,
      true,
      list.map((subtree) => asn1Sequence([subtreeBaseToAsn1(subtree)])),
    )
  const parts: ForgeAsn1[] = []
  if (spec.permitted !== undefined && spec.permitted.length > 0) parts.push(subtrees(0, spec.permitted))
  if (spec.excluded !== undefined && spec.excluded.length > 0) parts.push(subtrees(1, spec.excluded))
  return raw('2.5.29.30', spec.critical ?? true, asn1Sequence(parts))
}

/** The subjectPublicKey BIT STRING contents' SHA-1, the conventional key identifier. */
export function keyIdentifier(spkiDer: Buffer): Buffer {
  const spki = forge.asn1.fromDer(spkiDer.toString('binary'))
  const bitString = (spki.value as ForgeAsn1[])[1]
  const contents = (bitString as { bitStringContents?: string } | undefined)?.bitStringContents
  const bits = contents !== undefined ? contents.slice(1) : forge.asn1.toDer(bitString as ForgeAsn1).getBytes().slice(3)
  return createHash('sha1').update(Buffer.from(bits, 'binary')).digest()
}

function raw(oid: string, critical: boolean, value: ForgeAsn1): ForgeExtension {
  return { id: oid, critical, value: forge.asn1.toDer(value).getBytes() }
}

function oidNode(oid: string): ForgeAsn1 {
  return forge.asn1.create(Class.UNIVERSAL, Type.OID, false, forge.asn1.oidToDer(oid).getBytes())
}

function uriNode(uri: string): ForgeAsn1 {
  return forge.asn1.create(Class.CONTEXT_SPECIFIC, 6, false, uri)
}

function octets(bytes: Buffer): ForgeAsn1 {
  return forge.asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, bytes.toString('binary'))
}
