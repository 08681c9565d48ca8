import forge, { getTbsCertificate, type ForgeAsn1 } from './forge.js'

/**
 * A distinguished name as the lab writes it. Attributes are encoded in this
 * order (C, ST, L, O, OU, CN), as public CAs do, so two NameSpecs with the
 * same fields encode to the same bytes: that is what RFC 5280 §7.1 name
 * chaining compares, and what the "fake CA with the trusted root's exact
 * name" attack relies on.
 */
export interface NameSpec {
  C?: string
  ST?: string
  L?: string
  O?: string
  OU?: string
  CN?: string
}

const ORDER = ['C', 'ST', 'L', 'O', 'OU', 'CN'] as const

/** forge attribute list. C is a PrintableString (RFC 5280 App. A); the rest UTF8String, so '*' and NUL survive. */
export function toForgeAttributes(name: NameSpec): forge.pki.CertificateField[] {
  const attributes: forge.pki.CertificateField[] = []
  for (const shortName of ORDER) {
    const value = name[shortName]
    if (value === undefined) continue
    attributes.push({
      shortName,
      value,
      valueTagClass: (shortName === 'C' ? forge.asn1.Type.PRINTABLESTRING : forge.asn1.Type.UTF8) as never,
    })
  }
  return attributes
}

/** The Name as forge ASN.1, for directoryName name constraints. */
export function nameToAsn1(name: NameSpec): ForgeAsn1 {
  const cert = forge.pki.createCertificate()
  cert.setSubject(toForgeAttributes(name))
  // forge has no public DN encoder; a throwaway TBS carries it (index 5 = subject).
  cert.publicKey = PLACEHOLDER_PUBLIC_KEY
  // forge encodes the TBS signature AlgorithmIdentifier too and throws on a missing OID.
  cert.siginfo.algorithmOid = '1.2.840.113549.1.1.11'
  const tbs = getTbsCertificate(cert)
  const subject = (tbs.value as ForgeAsn1[])[5]
  if (subject === undefined) throw new Error('forge TBSCertificate has no subject')
  return subject
}

/** RFC 4514-ish one-line form for messages: "CN=bank.lab, O=mitmlab". */
export function formatName(name: NameSpec): string {
  return [...ORDER]
    .reverse()
    .filter((key) => name[key] !== undefined)
    .map((key) => `${key}=${name[key] ?? ''}`)
    .join(', ')
}

/**
 * forge refuses to encode a TBSCertificate without an RSA public key. The lab
 * swaps the real SubjectPublicKeyInfo (any key type) in after encoding, so
 * this placeholder never reaches a certificate.
 */
export const PLACEHOLDER_PUBLIC_KEY = forge.pki.setRsaPublicKey(
  new forge.jsbn.BigInteger('3', 10),
  new forge.jsbn.BigInteger('3', 10),
)
