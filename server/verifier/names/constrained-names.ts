import { attributeValues, OID_COMMON_NAME, OID_EMAIL_ADDRESS } from '../../x509/parse-name.js'
import type { GeneralName, ParsedCertificate } from '../../x509/types.js'
import { isValidDnsName, normalizeDnsName } from './dns-name.js'

/**
 * The names of a certificate that a CA's name constraints govern (RFC 5280
 * §4.2.1.10, §6.1.3 (b)): every subjectAltName, the subject as a
 * directoryName, subject emailAddress attributes when there is no SAN, and —
 * like Chrome and BetterTLS expect — a DNS-looking subject CN when the
 * leaf has no SAN dNSName or iPAddress (an intermediate's CN is a label, not a host), so a name "only in the CN" cannot slip past.
 */
export function constrainedNames(cert: ParsedCertificate, isLeaf: boolean): GeneralName[] {
  const sans = cert.subjectAltNames ?? []
  const names: GeneralName[] = [...sans]
  if (cert.subject.length > 0) names.push({ type: 'dn', der: cert.subjectDer, name: cert.subject })
  if (cert.subjectAltNames === null) {
    for (const email of attributeValues(cert.subject, OID_EMAIL_ADDRESS)) names.push({ type: 'email', value: email.value })
  }
  const hasHostSan = sans.some((n) => n.type === 'dns' || n.type === 'ip')
  if (isLeaf && !hasHostSan) {
    for (const cn of attributeValues(cert.subject, OID_COMMON_NAME)) {
      const value = normalizeDnsName(cn.value)
      if (isValidDnsName(value)) names.push({ type: 'dns', value })
    }
  }
  return names
}
