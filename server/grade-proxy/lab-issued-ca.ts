import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { issueCertificate, type IssuedCertificate } from '../../ca/index.js'

const YEAR_MS = 365 * 24 * 3_600_000

/**
 * A fresh interception CA for products that must be given one (squid's
 * `tls-cert`/`tls-key`, sslsplit's `-c`/`-k`, a `--proxy-cmd` template), as
 * their installers do: RSA-2048, ten years, written as `ca.pem` and `ca.key`
 * (0600) into the install's state directory.
 */
export function writeProductCa(stateDir: string, productName: string, now: Date = new Date()): { ca: IssuedCertificate; certFile: string; keyFile: string } {
  const ca = issueCertificate({
    subject: { O: `${productName} (mitmlab grade-proxy install)`, CN: `${productName} interception CA` },
    notBefore: new Date(now.getTime() - 3_600_000),
    notAfter: new Date(now.getTime() + 10 * YEAR_MS),
    basicConstraints: { ca: true },
    keyUsage: ['keyCertSign', 'cRLSign', 'digitalSignature'],
  })
  const certFile = join(stateDir, 'ca.pem')
  const keyFile = join(stateDir, 'ca.key')
  writeFileSync(certFile, ca.pem)
  writeFileSync(keyFile, ca.key.privateKeyPem, { mode: 0o600 })
  return { ca, certFile, keyFile }
}
