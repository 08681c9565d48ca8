import { randomBytes } from 'node:crypto'
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueCertificate, type IssuedCertificate } from '../../../ca/index.js'
import {
  certIdFor,
  checkOcsp,
  decodeOcspRequest,
  decodeOcspResponse,
  encodeOcspFailure,
  encodeOcspRequest,
  encodeOcspResponse,
  fetchCrls,
  issueCrl,
  startOcspInterceptor,
  startRevocationServer,
  type RevocationServer,
} from '../../../server/revocation/index.js'
import { parseCertificate } from '../../../server/x509/index.js'
import { parseCrl } from '../../../server/x509/parse-crl.js'
import { testPki } from '../../support/lab-pki.js'

const pki = testPki()
const issuer = pki.trustedIntermediate
const now = new Date()
const dir = mkdtempSync(join(tmpdir(), 'mitmlab-rev-'))

function leaf(extra: { ocspUrl?: string; crlUrl?: string; mustStaple?: boolean; serialNumber?: string } = {}): IssuedCertificate {
  return issueCertificate({
    subject: { CN: 'bank.lab' },
    issuer,
    keySpec: { type: 'ec', curve: 'P-256' },
    sans: [{ dns: 'bank.lab' }],
    basicConstraints: { ca: false },
    extendedKeyUsage: ['serverAuth'],
    ...extra,
  })
}

function openssl(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('openssl', args, { encoding: 'utf8', timeout: 10_000 }, (_error, stdout, stderr) => resolve({ stdout, stderr }))
    child.stdin?.end()
  })
}

describe('CRLs (RFC 5280 §5)', () => {
  it('issues a v2 CRL that the verifier parser and openssl crl both read, listing the revoked serial', async () => {
    const revoked = leaf()
    const der = issueCrl({ issuer, revoked: [{ serialHex: revoked.serialNumber, revokedAt: now }], thisUpdate: now, nextUpdate: new Date(now.getTime() + 3_600_000), crlNumber: 42 })
    const parsed = parseCrl(der)
    if (!parsed.ok) throw new Error(parsed.reason)
    expect([...parsed.value.revokedSerials]).toEqual([revoked.serialNumber])
    expect(Buffer.from(parsed.value.issuerDer)).toEqual(Buffer.from(certIssuerDer(revoked)))
    writeFileSync(join(dir, 'crl.der'), der)
    writeFileSync(join(dir, 'issuer.pem'), issuer.pem)
    const { stdout, stderr } = await openssl(['crl', '-inform', 'DER', '-in', join(dir, 'crl.der'), '-CAfile', join(dir, 'issuer.pem'), '-text', '-noout'])
    expect(stderr).toContain('verify OK')
    expect(stdout).toContain(`Serial Number: ${revoked.serialNumber.toUpperCase()}`)
    expect(stdout).toMatch(/CRL Number: \s*42/)
    expect(stdout).toContain('Key Compromise')
  })
})

describe('OCSP messages (RFC 6960)', () => {
  it('round-trips a request and a signed response about the same CertID', () => {
    const cert = leaf()
    const certId = certIdFor(cert.der, issuer.der)
    if (certId === null) throw new Error('no CertID')
    expect(decodeOcspRequest(encodeOcspRequest([certId]))).toMatchObject({ ok: true, certIds: [certId] })
    const response = encodeOcspResponse({
      responder: issuer,
      producedAt: now,
      answers: [{ certId, status: { kind: 'revoked', revokedAt: now, reason: 1 }, thisUpdate: now, nextUpdate: new Date(now.getTime() + 60_000) }],
    })
    const decoded = decodeOcspResponse(response)
    if (!decoded.ok || decoded.status !== 'successful') throw new Error('not successful')
    expect(decoded.basic.answers[0]?.certId).toEqual(certId)
    expect(decoded.basic.answers[0]?.status.kind).toBe('revoked')
  })

  it('encodes tryLater as a bare status without a signature', () => {
    expect(encodeOcspFailure('tryLater')).toEqual(Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x03]))
    expect(decodeOcspResponse(encodeOcspFailure('tryLater'))).toEqual({ ok: true, status: 'tryLater' })
  })

  it('decodes garbage as a value', () => {
    expect(decodeOcspResponse(Buffer.from('not der')).ok).toBe(false)
    expect(decodeOcspRequest(Buffer.from([0x30, 0x00])).ok).toBe(false)
  })
})

describe('the lab revocation server and the client REV step', () => {
  let server: RevocationServer
  let good: IssuedCertificate
  let revoked: IssuedCertificate
  beforeAll(async () => {
    const revokedSerial = `4${randomBytes(16).toString('hex').slice(1)}`
    server = await startRevocationServer({ issuer, revoked: [{ serialHex: revokedSerial, revokedAt: now }] })
    good = leaf({ ocspUrl: server.ocspUrl, crlUrl: server.crlUrl })
    revoked = leaf({ ocspUrl: server.ocspUrl, crlUrl: server.crlUrl, serialNumber: revokedSerial })
  })
  afterAll(() => server.close())

  it('answers openssl ocsp: good for a valid serial, revoked for the revoked one', async () => {
    writeFileSync(join(dir, 'issuer.pem'), issuer.pem)
    writeFileSync(join(dir, 'root.pem'), pki.trustedRoot.pem)
    const ask = async (cert: IssuedCertificate): Promise<string> => {
      writeFileSync(join(dir, 'leaf.pem'), cert.pem)
      const args = ['ocsp', '-issuer', join(dir, 'issuer.pem'), '-cert', join(dir, 'leaf.pem'), '-url', server.ocspUrl, '-CAfile', join(dir, 'root.pem')]
      const { stdout, stderr } = await openssl(args)
      expect(stderr).toContain('Response verify OK')
      return stdout
    }
    expect(await ask(good)).toContain('leaf.pem: good')
    expect(await ask(revoked)).toContain('leaf.pem: revoked')
  })

  const rev = (cert: IssuedCertificate, mode: 'soft-fail' | 'hard-fail', staple: Buffer | null = null) =>
    checkOcsp({ leafDer: cert.der, issuerDer: issuer.der, policy: { mode }, now, staple })

  it('passes REV when the responder says good, and fails CERT_REVOKED when it says revoked', async () => {
    expect((await rev(good, 'hard-fail')).status).toBe('pass')
    expect(await rev(revoked, 'soft-fail')).toMatchObject({ status: 'fail', code: 'CERT_REVOKED' })
  })

  it('serves the CRL the certificate points at, for the verifier', async () => {
    const fetched = await fetchCrls(revoked.der, { mode: 'hard-fail' })
    expect(fetched.unavailable).toBeNull()
    const parsed = parseCrl(fetched.crls[0] ?? Buffer.alloc(0))
    expect(parsed.ok && [...parsed.value.revokedSerials]).toEqual([revoked.serialNumber])
  })

  it('reports an unreachable CRL as a soft-failed pass or a hard CRL_UNAVAILABLE failure', async () => {
    const blocker = await startOcspInterceptor('drop')
    const cert = leaf({ crlUrl: blocker.url.replace(/\/ocsp$/, '/crl') })
    expect((await fetchCrls(cert.der, { mode: 'soft-fail' })).unavailable).toMatchObject({ status: 'pass', detail: { softFailed: true } })
    expect((await fetchCrls(cert.der, { mode: 'hard-fail' })).unavailable).toMatchObject({ status: 'fail', code: 'CRL_UNAVAILABLE' })
    expect((await fetchCrls(cert.der, { mode: 'none' })).unavailable).toBeNull()
    await blocker.close()
  })

  it('soft-fail accepts and hard-fail rejects OCSP_UNAVAILABLE when the attacker resets OCSP connections', async () => {
    const blocker = await startOcspInterceptor('drop')
    const cert = leaf({ ocspUrl: blocker.url })
    expect(await rev(cert, 'soft-fail')).toMatchObject({ status: 'pass', detail: { softFailed: true } })
    expect(await rev(cert, 'hard-fail')).toMatchObject({ status: 'fail', code: 'OCSP_UNAVAILABLE' })
    expect(blocker.hits()).toBe(2)
    await blocker.close()
  })

  it('soft-fail accepts and hard-fail rejects OCSP_TRY_LATER when the attacker forges tryLater', async () => {
    const forger = await startOcspInterceptor('tryLater')
    const cert = leaf({ ocspUrl: forger.url })
    expect(await rev(cert, 'soft-fail')).toMatchObject({ status: 'pass', detail: { softFailed: true, kind: 'tryLater' } })
    expect(await rev(cert, 'hard-fail')).toMatchObject({ status: 'fail', code: 'OCSP_TRY_LATER' })
    await forger.close()
  })

  it('fails MUST_STAPLE_MISSING for a must-staple certificate without a staple, under either policy', async () => {
    const cert = leaf({ ocspUrl: server.ocspUrl, mustStaple: true })
    expect(await rev(cert, 'soft-fail')).toMatchObject({ status: 'fail', code: 'MUST_STAPLE_MISSING' })
  })

  it('accepts a good staple and rejects a staple signed by another CA', async () => {
    const cert = leaf({ mustStaple: true })
    const certId = certIdFor(cert.der, issuer.der)
    if (certId === null) throw new Error('no CertID')
    const answers = [{ certId, status: { kind: 'good' as const }, thisUpdate: now, nextUpdate: new Date(now.getTime() + 60_000) }]
    expect((await rev(cert, 'hard-fail', encodeOcspResponse({ responder: issuer, producedAt: now, answers }))).status).toBe('pass')
    const forged = encodeOcspResponse({ responder: pki.attackerCa, producedAt: now, answers })
    expect(await rev(cert, 'soft-fail', forged)).toMatchObject({ status: 'fail', code: 'OCSP_RESPONSE_INVALID' })
  })

  it('is skipped NOT_CONFIGURED for a client that does not check revocation', async () => {
    expect(await checkOcsp({ leafDer: revoked.der, issuerDer: issuer.der, policy: { mode: 'none' }, now, staple: null })).toMatchObject({ status: 'skip', code: 'NOT_CONFIGURED' })
  })
})

function certIssuerDer(cert: IssuedCertificate): Uint8Array {
  const parsed = parseCertificate(cert.der)
  if (!parsed.ok) throw new Error(parsed.reason)
  return parsed.value.issuerDer
}
