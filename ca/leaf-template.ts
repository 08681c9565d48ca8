import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import forge, { bytesFromIp, fromDerOpaque, type ForgeAsn1 } from './forge.js'
import { derToPem, issueCertificate, type IssuedCertificate } from './issue-certificate.js'
import type { KeyPair } from './key-pair.js'
import type { NameSpec } from './distinguished-name.js'
import { signatureAlgorithmFor } from './signature-algorithm.js'

const { Class, Type } = forge.asn1
/** RFC 5280 Appendix A: ub-common-name is 64 characters; longer names live in the SAN only. */
const MAX_COMMON_NAME = 64
const OID_COMMON_NAME = forge.asn1.oidToDer('2.5.4.3').getBytes()
const OID_SUBJECT_ALT_NAME = forge.asn1.oidToDer('2.5.29.17').getBytes()
const TEMPLATE_HOST = 'template.invalid'

export interface LeafTemplateParams {
  issuer: IssuedCertificate
  key: KeyPair
  notBefore: Date
  notAfter: Date
}

/**
 * Forged leaves from one pre-built certificate: node-forge builds the whole
 * structure once (issueCertificate, with every extension a forged leaf
 * carries), and each host then only changes the three fields that name it —
 * serial, subject, subjectAltName — before the TBSCertificate is re-encoded
 * and signed natively. A leaf costs 46-50 µs instead of 101-136 µs with a
 * full issueCertificate (measured, P-256), the larger part of what forging
 * adds to a new host's first connection besides OpenSSL parsing the result.
 * Every leaf of one template shares its validity window; the cache makes a new
 * template when the window ages.
 */
export class LeafTemplate {
  private readonly certificate: ForgeAsn1
  private readonly tbsFields: ForgeAsn1[]
  private readonly subjectAltName: ForgeAsn1
  private readonly sign: (tbs: Buffer) => Buffer

  constructor(
    private readonly params: LeafTemplateParams,
    /** When it was made, by the caller's clock. */
    readonly madeAt: Date,
  ) {
    const template = issueCertificate(leafParams(params, TEMPLATE_HOST))
    this.certificate = fromDerOpaque(template.der)
    const [tbs] = this.certificate.value as ForgeAsn1[]
    this.tbsFields = (tbs?.value ?? []) as ForgeAsn1[]
    this.subjectAltName = findExtensionValue(this.tbsFields, OID_SUBJECT_ALT_NAME)
    const algorithm = signatureAlgorithmFor(params.issuer.key.spec, 'sha256', 'pkcs1')
    this.sign = (tbsDer) => algorithm.sign(tbsDer, params.issuer.key.privateKey)
  }

  /** A leaf for `host` (a DNS name or an IP literal), signed by the issuer. Synchronous: the template is shared. */
  issue(host: string): IssuedCertificate {
    const serial = randomBytes(16)
    serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01 // positive, and no leading zero for DER to strip (RFC 5280 §4.1.2.2)
    const [tbs, signatureAlgorithm] = this.certificate.value as ForgeAsn1[]
    if (tbs === undefined || signatureAlgorithm === undefined)
      throw new Error('leaf template has no TBSCertificate')
    const subject = subjectFor(host)
    // TBSCertificate fields (RFC 5280 §4.1): [0] version, serialNumber, signature, issuer, validity, subject, ...
    setValue(this.tbsFields[1], serial.toString('binary'))
    this.tbsFields[5] = nameAsn1(subject)
    this.subjectAltName.value = forge.asn1.toDer(generalNamesFor(host)).getBytes()
    const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary')
    const signature = this.sign(tbsDer)
    const der = Buffer.from(
      forge.asn1
        .toDer(
          forge.asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
            tbs,
            signatureAlgorithm,
            forge.asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, '\x00' + signature.toString('binary')),
          ]),
        )
        .getBytes(),
      'binary',
    )
    return {
      der,
      pem: derToPem(der),
      key: this.params.key,
      subject,
      notBefore: this.params.notBefore,
      notAfter: this.params.notAfter,
      serialNumber: serial.toString('hex'),
      isCa: false,
    }
  }
}

/** What a forged leaf is: the parameters of every leaf a template makes, and of the template itself. */
export function leafParams(params: LeafTemplateParams, host: string): Parameters<typeof issueCertificate>[0] {
  return {
    subject: subjectFor(host),
    issuer: params.issuer,
    key: params.key,
    notBefore: params.notBefore,
    notAfter: params.notAfter,
    sans: [isIP(host) === 0 ? { dns: host } : { ip: host }],
    basicConstraints: { ca: false },
    // RFC 5280 §4.2.1.3: keyEncipherment only makes sense for RSA key transport.
    keyUsage: params.key.spec.type === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
    extendedKeyUsage: ['serverAuth'],
  }
}

function subjectFor(host: string): NameSpec {
  return host.length <= MAX_COMMON_NAME ? { CN: host } : { O: 'mitmlab forged' }
}

/** The Name as issueCertificate writes it for one attribute (UTF8String, distinguished-name.ts). */
function nameAsn1(name: NameSpec): ForgeAsn1 {
  const [oid, value] =
    name.CN !== undefined
      ? [OID_COMMON_NAME, name.CN]
      : [forge.asn1.oidToDer('2.5.4.10').getBytes(), name.O ?? '']
  const attribute = forge.asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    forge.asn1.create(Class.UNIVERSAL, Type.OID, false, oid),
    forge.asn1.create(Class.UNIVERSAL, Type.UTF8, false, forge.util.encodeUtf8(value)),
  ])
  return forge.asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [
    forge.asn1.create(Class.UNIVERSAL, Type.SET, true, [attribute]),
  ])
}

/** GeneralNames with one dNSName [2] or iPAddress [7] (RFC 5280 §4.2.1.6). */
function generalNamesFor(host: string): ForgeAsn1 {
  const name =
    isIP(host) === 0
      ? forge.asn1.create(Class.CONTEXT_SPECIFIC, 2, false, host)
      : forge.asn1.create(Class.CONTEXT_SPECIFIC, 7, false, bytesFromIp(host) ?? '')
  return forge.asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, [name])
}

function findExtensionValue(tbsFields: ForgeAsn1[], oidDer: string): ForgeAsn1 {
  const extensions = tbsFields[7]?.value as ForgeAsn1[] | undefined
  const list = (extensions?.[0]?.value ?? []) as ForgeAsn1[]
  for (const extension of list) {
    const parts = extension.value as ForgeAsn1[]
    if (parts[0]?.value === oidDer) {
      const value = parts[parts.length - 1]
      if (value !== undefined) return value
    }
  }
  throw new Error('leaf template has no subjectAltName extension')
}

function setValue(node: ForgeAsn1 | undefined, value: string): void {
  if (node === undefined) throw new Error('leaf template field missing')
  node.value = value
}
