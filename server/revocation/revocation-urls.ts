import { AsnConvert } from '@peculiar/asn1-schema'
import { AuthorityInfoAccessSyntax, CRLDistributionPoints, id_ad_ocsp, id_ce_cRLDistributionPoints, id_pe_authorityInfoAccess } from '@peculiar/asn1-x509'
import { readChildren, readSingle } from '../x509/der-reader.js'
import type { ParsedCertificate } from '../x509/index.js'

/** RFC 7633 §6: id-pe-tlsfeature; the "must-staple" certificate asks for status_request (5). */
const TLS_FEATURE_OID = '1.3.6.1.5.5.7.1.24'
const STATUS_REQUEST = 5

/** OCSP responder URLs from the AIA extension (RFC 5280 §4.2.2.1). */
export function ocspUrlsOf(certificate: ParsedCertificate): string[] {
  const extension = certificate.extensions.find((e) => e.oid === id_pe_authorityInfoAccess)
  if (extension === undefined) return []
  try {
    return AsnConvert.parse(extension.value, AuthorityInfoAccessSyntax)
      .filter((entry) => entry.accessMethod === id_ad_ocsp)
      .flatMap((entry) => (entry.accessLocation.uniformResourceIdentifier === undefined ? [] : [entry.accessLocation.uniformResourceIdentifier]))
  } catch {
    return []
  }
}

/** CRL URLs from the distribution points extension (RFC 5280 §4.2.1.13), fullName URIs only. */
export function crlUrlsOf(certificate: ParsedCertificate): string[] {
  const extension = certificate.extensions.find((e) => e.oid === id_ce_cRLDistributionPoints)
  if (extension === undefined) return []
  try {
    return AsnConvert.parse(extension.value, CRLDistributionPoints).flatMap((point) =>
      (point.distributionPoint?.fullName ?? []).flatMap((name) => (name.uniformResourceIdentifier === undefined ? [] : [name.uniformResourceIdentifier])),
    )
  } catch {
    return []
  }
}

/** True when the certificate carries the TLS feature extension with status_request (RFC 7633 §4.2.3.1). */
export function isMustStaple(certificate: ParsedCertificate): boolean {
  const extension = certificate.extensions.find((e) => e.oid === TLS_FEATURE_OID)
  if (extension === undefined) return false
  // Features ::= SEQUENCE OF INTEGER.
  const sequence = readSingle(extension.value)
  const features = sequence === null || sequence.identifier !== 0x30 ? null : readChildren(sequence.value)
  return (features ?? []).some((feature) => feature.identifier === 0x02 && feature.value.length === 1 && feature.value[0] === STATUS_REQUEST)
}
