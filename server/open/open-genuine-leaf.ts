import { issueCertificate, LAB_HOSTS, LAB_IPS, type IssuedCertificate, type LabPki } from '../../ca/index.js'

/**
 * The genuine bank's certificate in the open lab: the lab's genuine leaf
 * (bank.lab, www.bank.lab, localhost, loopback IPs), issued by the same
 * trusted intermediate, plus one DNS SAN per served scenario name. A control
 * at `direct-connection.bank.lab` must present the genuine chain for the name
 * the visitor asked for, and a relaying proxy's upstream leg checks the
 * genuine server against the same name. Explicit names, not `*.bank.lab`: a
 * wildcard would also cover names the lab does not serve.
 */
export function issueOpenGenuineLeaf(pki: LabPki, hosts: readonly string[], now: Date = new Date()): IssuedCertificate {
  return issueCertificate({
    subject: { CN: 'bank.lab' },
    issuer: pki.trustedIntermediate,
    notBefore: new Date(now.getTime() - 3_600_000),
    notAfter: new Date(now.getTime() + 30 * 24 * 3_600_000),
    sans: [...[...new Set([...LAB_HOSTS, ...hosts])].map((dns) => ({ dns })), ...LAB_IPS.map((ip) => ({ ip }))],
    basicConstraints: { ca: false },
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['serverAuth'],
  })
}
