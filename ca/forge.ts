/**
 * The one place node-forge is imported. node-forge builds the certificate
 * structures (TBSCertificate, names, the extensions it knows); signing and key
 * generation are native (node:crypto), because forge's RSA signing is ~130x
 * slower here (33 ms vs 0.26 ms per RSA-2048 signature, measured) and its
 * `pki` reader only understands RSA keys.
 */
import forge from 'node-forge'

export default forge
export type ForgeAsn1 = forge.asn1.Asn1

// Public forge functions that @types/node-forge does not declare.
const untyped = forge as unknown as {
  pki: { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 }
  util: { bytesFromIP(ip: string): string | null }
  asn1: { fromDer(bytes: string, options: { strict: boolean; decodeBitStrings: boolean }): forge.asn1.Asn1 }
}

/** The TBSCertificate of a forge certificate, unsigned (x509.js `pki.getTBSCertificate`). */
export const getTbsCertificate = (cert: forge.pki.Certificate): forge.asn1.Asn1 => untyped.pki.getTBSCertificate(cert)

/** Network-order bytes of an IPv4 or IPv6 literal, or null. */
export const bytesFromIp = (ip: string): string | null => untyped.util.bytesFromIP(ip)

/** Strict DER decode that keeps BIT STRING contents opaque (we only re-encode them). */
export const fromDerOpaque = (der: Buffer): forge.asn1.Asn1 =>
  untyped.asn1.fromDer(der.toString('binary'), { strict: true, decodeBitStrings: false })
