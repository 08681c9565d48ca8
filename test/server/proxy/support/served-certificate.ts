import { createSecureContext } from 'node:tls'
import { chainPem, formatName, type IssuedCertificate } from '../../../../ca/index.js'
import type { ServedCertificate } from '../../../../server/proxy/proxy-types.js'

/** What the proxy serves for a fixed forged `leaf` issued by the (self-signed) installed `ca`: leaf + CA. */
export function servedCertificate(leaf: IssuedCertificate, ca: IssuedCertificate): ServedCertificate {
  return {
    secureContext: createSecureContext({ key: leaf.key.privateKeyPem, cert: chainPem(leaf, ca) }),
    chainDer: [leaf.der, ca.der],
    chainSubjects: [
      { subject: formatName(leaf.subject), issuer: formatName(ca.subject) },
      { subject: formatName(ca.subject), issuer: formatName(ca.subject) },
    ],
  }
}
