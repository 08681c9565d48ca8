/**
 * A separate process that creates (or loads) the lab PKI in argv[2] once its
 * parent writes "go" on stdin, then prints the fingerprints it ended up with.
 * The umask is opened to 000 so file modes come from ca/ alone.
 * Used by test/robustness/ca-private-keys.test.ts to race first runs.
 */
import { X509Certificate } from 'node:crypto'
import { loadOrCreateLabPki } from '../../ca/index.js'

const dataDir = process.argv[2]
if (dataDir === undefined) throw new Error('usage: create-pki-process.ts DATA_DIR')
process.umask(0)
process.stdout.write('ready\n')
process.stdin.once('data', () => {
  const pki = loadOrCreateLabPki(dataDir)
  const fingerprint = (der: Buffer): string => new X509Certificate(der).fingerprint256
  process.stdout.write(`${JSON.stringify({ root: fingerprint(pki.trustedRoot.der), interception: fingerprint(pki.interceptionCa.der), leaf: fingerprint(pki.genuineLeaf.der) })}\n`)
  process.stdin.destroy()
})
