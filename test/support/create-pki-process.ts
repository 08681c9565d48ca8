/**
 * A separate process that creates (or loads) the lab PKI in argv[2] once its
 * parent writes "go" on stdin (at the time argv[3], ISO, when given), then
 * prints the fingerprints it ended up with.
 * The umask is opened to 000 so file modes come from ca/ alone.
 * Used by test/robustness/ca-private-keys.test.ts to race first runs.
 */
import { X509Certificate } from 'node:crypto'
import { loadOrCreateLabPki } from '../../ca/index.js'

const [, , dataDir, nowIso] = process.argv
if (dataDir === undefined) throw new Error('usage: create-pki-process.ts DATA_DIR [NOW_ISO]')
process.umask(0)
process.stdout.write('ready\n')
process.stdin.once('data', () => {
  const pki = loadOrCreateLabPki(dataDir, nowIso === undefined ? new Date() : new Date(nowIso))
  const fingerprint = (der: Buffer): string => new X509Certificate(der).fingerprint256
  process.stdout.write(`${JSON.stringify({ root: fingerprint(pki.trustedRoot.der), interception: fingerprint(pki.interceptionCa.der), leaf: fingerprint(pki.genuineLeaf.der) })}\n`)
  process.stdin.destroy()
})
