import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:tls'
import { describe, expect, it } from 'vitest'
import { chainPem, issueCertificate } from '../../../ca/index.js'
import { tbsWithoutExtension } from '../../../server/ct/der-surgery.js'
import {
  checkCertificateTransparency,
  createCtLog,
  decodeSctList,
  encodeSctList,
  issueLoggedCertificate,
  knownLog,
  PRECERT_POISON_OID,
  SCT_LIST_OID,
  type CtLog,
  type SctSpec,
} from '../../../server/ct/index.js'
import { parseCertificate } from '../../../server/x509/index.js'
import { testPki } from '../../support/lab-pki.js'

const pki = testPki()
const logA = createCtLog('A')
const logB = createCtLog('B')
const rogue = createCtLog('rogue')
const now = new Date()

function leafWith(scts: SctSpec[]) {
  return issueLoggedCertificate(
    { subject: { CN: 'bank.lab' }, issuer: pki.trustedIntermediate, keySpec: { type: 'ec', curve: 'P-256' }, sans: [{ dns: 'bank.lab' }], basicConstraints: { ca: false }, extendedKeyUsage: ['serverAuth'] },
    scts,
  )
}

function check(leafDer: Buffer, logs: CtLog[], minValidScts = 1) {
  return checkCertificateTransparency({
    leafDer,
    issuerSpkiDer: pki.trustedIntermediate.key.spkiDer,
    policy: { logs: logs.map(knownLog), minValidScts },
    now,
  })
}

describe('SCTs over precertificates (RFC 6962)', () => {
  it('issues a precertificate with the critical poison and a final certificate with the same TBS but the SCT list', () => {
    const { certificate, precertificate } = leafWith([{ log: logA }])
    const pre = parseCertificate(precertificate.der)
    const final = parseCertificate(certificate.der)
    if (!pre.ok || !final.ok) throw new Error('unparseable')
    expect(pre.value.extensions.find((e) => e.oid === PRECERT_POISON_OID)?.critical).toBe(true)
    expect(final.value.extensions.some((e) => e.oid === PRECERT_POISON_OID)).toBe(false)
    expect(tbsWithoutExtension(certificate.der, SCT_LIST_OID)).toEqual(tbsWithoutExtension(precertificate.der, PRECERT_POISON_OID))
  })

  it('round-trips an SCT list through its TLS encoding', () => {
    const { scts } = leafWith([{ log: logA }, { log: logB }])
    const decoded = decodeSctList(encodeSctList(scts))
    expect(decoded).toEqual({ ok: true, scts })
  })

  it('rejects truncated SCT lists as values', () => {
    const { scts } = leafWith([{ log: logA }])
    const bytes = encodeSctList(scts)
    expect(decodeSctList(bytes.subarray(0, bytes.length - 3)).ok).toBe(false)
    expect(decodeSctList(Buffer.from([0, 0])).ok).toBe(false)
  })

  it('passes CT with one valid SCT from a known log', () => {
    expect(check(leafWith([{ log: logA }]).certificate.der, [logA]).status).toBe('pass')
  })

  it('fails SCT_MISSING when the certificate has no SCT list', () => {
    const plain = issueCertificate({ subject: { CN: 'bank.lab' }, issuer: pki.trustedIntermediate })
    expect(check(plain.der, [logA]).code).toBe('SCT_MISSING')
  })

  it('fails SCT_UNKNOWN_LOG when every SCT comes from a log the client does not know', () => {
    expect(check(leafWith([{ log: rogue }]).certificate.der, [logA, logB]).code).toBe('SCT_UNKNOWN_LOG')
  })

  it("fails SCT_BAD_SIGNATURE when an SCT claims a known log's id but another key signed it", () => {
    const forged = leafWith([{ log: rogue, forge: { claimLogId: logA.logId } }])
    expect(check(forged.certificate.der, [logA]).code).toBe('SCT_BAD_SIGNATURE')
  })

  it('fails SCT_BAD_SIGNATURE when the issuer key hash differs (an SCT moved to a certificate from another CA)', () => {
    const { certificate } = leafWith([{ log: logA }])
    const result = checkCertificateTransparency({
      leafDer: certificate.der,
      issuerSpkiDer: pki.interceptionCa.key.spkiDer,
      policy: { logs: [knownLog(logA)] },
      now,
    })
    expect(result.code).toBe('SCT_BAD_SIGNATURE')
  })

  it('fails NOT_ENOUGH_SCTS when fewer distinct known logs signed than required', () => {
    expect(check(leafWith([{ log: logA }, { log: logA }]).certificate.der, [logA, logB], 2).code).toBe('NOT_ENOUGH_SCTS')
    expect(check(leafWith([{ log: logA }, { log: logB }]).certificate.der, [logA, logB], 2).status).toBe('pass')
  })

  it('fails SCT_FROM_FUTURE for an SCT timestamped after now', () => {
    const future = leafWith([{ log: logA, timestamp: new Date(now.getTime() + 86_400_000) }])
    expect(check(future.certificate.der, [logA]).code).toBe('SCT_FROM_FUTURE')
  })

  it('is skipped NOT_CONFIGURED for a client without a CT policy', () => {
    const result = checkCertificateTransparency({ leafDer: pki.genuineLeaf.der, issuerSpkiDer: null, policy: undefined, now })
    expect(result).toMatchObject({ status: 'skip', code: 'NOT_CONFIGURED' })
  })

  it('agrees with OpenSSL s_client -ct on valid, unknown-log and forged SCTs', async () => {
    const { certificate } = leafWith([{ log: logA }, { log: rogue }, { log: rogue, forge: { claimLogId: logB.logId } }])
    const dir = mkdtempSync(join(tmpdir(), 'mitmlab-ct-'))
    const key = (log: CtLog): string => log.publicKeyDer.toString('base64')
    writeFileSync(join(dir, 'logs.cnf'), `enabled_logs = a,b\n[a]\ndescription = A\nkey = ${key(logA)}\n[b]\ndescription = B\nkey = ${key(logB)}\n`)
    writeFileSync(join(dir, 'root.pem'), pki.trustedRoot.pem)
    const server = createServer({ key: certificate.key.privateKeyPem, cert: chainPem(certificate, pki.trustedIntermediate) }, (s) => s.end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'bank.lab', '-ct', '-ctlogfile', join(dir, 'logs.cnf'), '-CAfile', join(dir, 'root.pem')]
    const output = await new Promise<string>((resolve, reject) => {
      const child = execFile('openssl', args, { encoding: 'utf8', timeout: 10_000 }, (error, stdout) => (error && stdout === '' ? reject(error) : resolve(stdout)))
      child.stdin?.end()
    })
    server.close()
    const statuses = [...output.matchAll(/SCT validation status: (.+)/g)].map((m) => m[1]).sort()
    expect(statuses).toEqual(['invalid', 'unknown log', 'valid'])
    expect(check(certificate.der, [logA, logB]).status).toBe('pass')
  })
})
