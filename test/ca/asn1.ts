import { AsnConvert } from '@peculiar/asn1-schema'
import { Certificate, SubjectAlternativeName, id_ce_subjectAltName } from '@peculiar/asn1-x509'

/** An independent DER reader (not ca/'s node-forge) to check what ca/ wrote. */
export function parseCertificate(der: Buffer): Certificate {
  return AsnConvert.parse(der, Certificate)
}

/** The dNSName entries of the subjectAltName extension, exactly as encoded. */
export function sanDnsNames(der: Buffer): string[] {
  const extension = parseCertificate(der).tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectAltName)
  if (extension === undefined) return []
  const names = AsnConvert.parse(extension.extnValue.buffer, SubjectAlternativeName)
  return names.flatMap((name) => (name.dNSName === undefined ? [] : [name.dNSName]))
}
