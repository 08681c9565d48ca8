import { issueCertificate } from '../../../../ca/index.js'

/** A CA and a localhost/127.0.0.1 leaf from the lab's own ca/ module, made at test time. */
export interface TestPki {
  caPem: string
  leafPem: string
  leafKeyPem: string
  /** DER of [leaf, ca], as a server would send them. */
  chainDer: Buffer[]
}

export function makeTestPki(keyType: 'rsa' | 'ec' = 'rsa'): TestPki {
  const ca = issueCertificate({ subject: { CN: 'mitmlab handshake test CA' }, basicConstraints: { ca: true }, keyUsage: ['keyCertSign', 'cRLSign'] })
  const leaf = issueCertificate({
    subject: { CN: 'localhost' },
    issuer: ca,
    keySpec: keyType === 'rsa' ? { type: 'rsa', bits: 2048 } : { type: 'ec', curve: 'P-256' },
    sans: [{ dns: 'localhost' }, { ip: '127.0.0.1' }],
  })
  return { caPem: ca.pem, leafPem: leaf.pem, leafKeyPem: leaf.key.privateKeyPem, chainDer: [leaf.der, ca.der] }
}
