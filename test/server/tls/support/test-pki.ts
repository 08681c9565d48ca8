import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'

/** A CA and a localhost leaf made with `openssl req` at test time (the lab's ca/ module did not exist yet). */
export interface TestPki {
  caPem: string
  leafPem: string
  leafKeyPem: string
  /** DER of [leaf, ca], as a server would send them. */
  chainDer: Buffer[]
}

export function makeTestPki(keyType: 'rsa' | 'ec' = 'rsa'): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'mitmlab-tls-'))
  try {
    const newkey = keyType === 'rsa' ? 'rsa:2048' : 'ec'
    const keyArgs = keyType === 'ec' ? ['-pkeyopt', 'ec_paramgen_curve:P-256'] : []
    const run = (args: string[]): void => {
      execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
    }
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=mitmlab test CA', '-days', '3',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
    run(['req', '-newkey', newkey, ...keyArgs, '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost'])
    writeFileSync(join(dir, 'leaf.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n')
    run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.crt', '-days', '2', '-extfile', 'leaf.ext'])
    const caPem = readFileSync(join(dir, 'ca.crt'), 'utf8')
    const leafPem = readFileSync(join(dir, 'leaf.crt'), 'utf8')
    return {
      caPem,
      leafPem,
      leafKeyPem: readFileSync(join(dir, 'leaf.key'), 'utf8'),
      chainDer: [new X509Certificate(leafPem).raw, new X509Certificate(caPem).raw],
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
