import { issueCertificate, type IssuedCertificate, type LabPki } from '../../../ca/index.js'

const rogueByPki = new WeakMap<LabPki, IssuedCertificate>()

/**
 * A publicly trusted sub-CA that mis-issues (DigiNotar 2011, TURKTRUST 2012):
 * chained to the lab's trusted root, so every PKIX check passes for what it
 * signs. One per PKI, issued on first use.
 */
export function rogueTrustedCa(pki: LabPki): IssuedCertificate {
  let rogue = rogueByPki.get(pki)
  if (rogue === undefined) {
    rogue = issueCertificate({
      subject: { C: 'ZZ', O: 'DigiNotar-like Public CA', CN: 'Compromised Issuing CA' },
      issuer: pki.trustedRoot,
      keySpec: { type: 'ec', curve: 'P-256' },
      notBefore: pki.trustedIntermediate.notBefore,
      notAfter: pki.trustedIntermediate.notAfter,
      basicConstraints: { ca: true, pathLen: 0 },
      keyUsage: ['keyCertSign', 'cRLSign'],
    })
    rogueByPki.set(pki, rogue)
  }
  return rogue
}
