import { beforeAll, describe, expect, it } from 'vitest'
import { createLabPki, type LabPki } from '../../../ca/index.js'
import { gradeProduct } from '../../../server/grade-proxy/grade-product.js'
import type { ProxyReportCard } from '../../../server/grade-proxy/report-card.js'
import { referenceProxy } from './reference-proxies.js'

// Issue 21 acceptance: a product that blocks every invalid upstream gets the best grade, one that masks
// everything the worst. Real proxies in-process on 127.0.0.1 port 0, real TLS, the real defect servers.
const CERTIFICATE_DEFECTS = ['self-signed', 'untrusted-ca', 'wrong-host', 'expired', 'not-yet-valid', 'leaf-as-ca', 'v1-intermediate', 'path-length', 'name-constraints', 'md5-signature', 'sha1-signature', 'rsa-1024']

let pki: LabPki
beforeAll(() => {
  pki = createLabPki()
})

const verdicts = (card: ProxyReportCard): Record<string, string> => Object.fromEntries(card.defects.map((d) => [d.defectId, d.verdict]))

describe('grading the reference proxies', () => {
  it('gives the proxy that blocks every invalid upstream an A', async () => {
    const card = await gradeProduct({ product: referenceProxy('strict'), pki })
    expect(card.grade).toBe('A')
    expect(card.decidedBy).toEqual([])
    expect(card.controlRelayed).toBe(true)
    const seen = verdicts(card)
    expect(seen['control']).toBe('relayed')
    for (const id of [...CERTIFICATE_DEFECTS, 'tls10-only', 'no-forward-secrecy', 'cbc-only']) expect(seen[id], id).toBe('blocked')
    // It does not check revocation: recorded, and not graded (grade-rubric.ts).
    expect(seen['revoked-crl']).toBe('masked')
    expect(card.checks.find((c) => c.id === 'defect:revoked-crl')?.result).toBe('info')
    expect(card.checks.find((c) => c.id === 'hello:hybrid')?.result).toBe('pass')
    // Its own cipher list upstream: the bank's FP step sees a hello that is not the claimed client's.
    expect(card.checks.find((c) => c.id === 'fingerprint')?.evidence).toMatch(/^FP INTERCEPTION_DETECTED: The ClientHello is not lab-verifier's: cipherSuites/)
    expect(card.checks.find((c) => c.id === 'legs:pq')?.evidence).toBe('client leg TLSv1.3 / X25519MLKEM768; upstream leg TLSv1.3 / X25519MLKEM768 (offers TLS 1.3: yes, hybrid: yes)')
  }, 90_000)

  it('gives the proxy that masks everything an F, decided by the certificates it masked', async () => {
    const card = await gradeProduct({ product: referenceProxy('masking'), pki })
    expect(card.grade).toBe('F')
    const seen = verdicts(card)
    expect(seen['control']).toBe('relayed')
    for (const id of [...CERTIFICATE_DEFECTS, 'tls10-only', 'no-forward-secrecy']) expect(seen[id], id).toBe('masked')
    expect(card.decidedBy).toEqual(expect.arrayContaining(['defect:expired', 'defect:self-signed', 'defect:md5-signature']))
    expect(card.decidedBy).not.toContain('defect:sha1-signature') // caps at C, below the F
    expect(card.checks.find((c) => c.id === 'defect:tls10-only')).toMatchObject({ result: 'fail', cap: 'C' })
    // What it offered upstream: TLS 1.0 beside the client's TLS 1.2-1.3, anonymous suites (OpenSSL's ALL).
    expect(card.checks.find((c) => c.id === 'hello:min-version')).toMatchObject({ result: 'fail', evidence: 'TLS 1.2 → TLS 1.0' })
    expect(card.checks.find((c) => c.id === 'hello:broken-suites')?.evidence).toContain('TLS_DH_anon_WITH_AES_128_CBC_SHA')
    // The TLS 1.0 upstream behind a TLS 1.3 client leg: the version the client sees is not the one upstream.
    const tls10 = card.defects.find((d) => d.defectId === 'tls10-only')
    expect(tls10?.client.protocol).toBe('TLSv1.3')
    expect(tls10?.upstream.find((u) => u.handshake === 'completed')?.protocol).toBe('TLSv1')
  }, 90_000)
})
