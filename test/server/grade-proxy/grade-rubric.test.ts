import { describe, expect, it } from 'vitest'
import { gradeChecks, gradeFrom, type GradeMeasurements } from '../../../server/grade-proxy/grade-rubric.js'
import type { DefectResult } from '../../../server/grade-proxy/report-card.js'
import type { DefectVerdict } from '../../../server/grade-proxy/defect-verdict.js'
import { DEFECTS } from '../../../server/grade-proxy/upstream-defects.js'

/** A defect result with only what the rubric reads: id, class, verdict. */
function defect(id: string, verdict: DefectVerdict): DefectResult {
  const known = DEFECTS.find((d) => d.id === id)
  if (known === undefined) throw new Error(`no defect ${id}`)
  return {
    defectId: id,
    title: known.title,
    defectClass: known.defectClass,
    host: `${id}.upstream.lab`,
    verdict,
    reason: verdict,
    client: { stage: 'http-answered', connectStatus: 200, error: null, protocol: 'TLSv1.3', cipher: null, group: null, httpStatus: 200, chainPem: [], chain: [], verifier: null },
    upstream: [],
  }
}

/** A product that does everything right: every defect blocked, the same hello as the client, a fresh CA per install. */
function exemplary(overrides: Partial<GradeMeasurements> = {}): GradeMeasurements {
  return {
    defects: DEFECTS.map((d) => defect(d.id, d.id === 'control' ? 'relayed' : 'blocked')),
    downgrades: [],
    offersSsl3: false,
    versions: { client: 'TLSv1.3', upstream: 'TLSv1.3' },
    sharedRootKey: false,
    forgedLeafCopies: { dates: false, key: false, serial: false, subject: true },
    revocationRequests: { crl: 0, ocsp: 0 },
    fingerprint: null,
    legs: { clientGroup: 'X25519MLKEM768', upstreamGroup: 'X25519MLKEM768', upstreamOffersTls13: true, upstreamOffersHybrid: true },
    ...overrides,
  }
}

const gradeOf = (measured: GradeMeasurements): ReturnType<typeof gradeFrom> => gradeFrom(gradeChecks(measured))
const withVerdict = (id: string, verdict: DefectVerdict): DefectResult[] => exemplary().defects.map((d) => (d.defectId === id ? defect(id, verdict) : d))

describe('the grade (Durumeric et al. NDSS 2017, grade-rubric.ts)', () => {
  it('is A when nothing fails, passing a defect through to the client included', () => {
    expect(gradeOf(exemplary())).toEqual({ grade: 'A', decidedBy: [] })
    expect(gradeOf(exemplary({ defects: withVerdict('expired', 'passed-through') }))).toEqual({ grade: 'A', decidedBy: [] })
  })

  it('is F when a certificate a browser refuses is masked, or the root key is shared across installs', () => {
    expect(gradeOf(exemplary({ defects: withVerdict('wrong-host', 'masked') }))).toEqual({ grade: 'F', decidedBy: ['defect:wrong-host'] })
    expect(gradeOf(exemplary({ defects: withVerdict('md5-signature', 'masked') }))).toEqual({ grade: 'F', decidedBy: ['defect:md5-signature'] })
    expect(gradeOf(exemplary({ sharedRootKey: true }))).toEqual({ grade: 'F', decidedBy: ['install:root-key'] })
    expect(gradeOf(exemplary({ downgrades: [{ code: 'WEAK_CIPHERS_ADDED', expected: [], actual: ['TLS_RSA_EXPORT_WITH_RC4_40_MD5'] }] }))).toEqual({ grade: 'F', decidedBy: ['hello:broken-suites'] })
  })

  it('is C for a masked TLS 1.0-only upstream, SHA-1 or RSA-1024 certificate, RC4/3DES offered, or renegotiation protection dropped', () => {
    expect(gradeOf(exemplary({ defects: withVerdict('tls10-only', 'masked') }))).toEqual({ grade: 'C', decidedBy: ['defect:tls10-only'] })
    expect(gradeOf(exemplary({ defects: withVerdict('sha1-signature', 'masked') })).grade).toBe('C')
    expect(gradeOf(exemplary({ defects: withVerdict('rsa-1024', 'masked') })).grade).toBe('C')
    expect(gradeOf(exemplary({ downgrades: [{ code: 'WEAK_CIPHERS_ADDED', expected: [], actual: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'] }] }))).toEqual({ grade: 'C', decidedBy: ['hello:rc4-3des'] })
    expect(gradeOf(exemplary({ downgrades: [{ code: 'RENEGOTIATION_PROTECTION_DROPPED', expected: [], actual: [] }] })).grade).toBe('C')
  })

  it('is B for suboptimal parameters: no forward secrecy accepted, TLS 1.3 dropped, older versions offered, a faked higher version', () => {
    expect(gradeOf(exemplary({ defects: withVerdict('no-forward-secrecy', 'masked') }))).toEqual({ grade: 'B', decidedBy: ['defect:no-forward-secrecy'] })
    expect(gradeOf(exemplary({ downgrades: [{ code: 'MAX_VERSION_LOWERED', expected: ['TLS 1.3'], actual: ['TLS 1.2'] }] }))).toEqual({ grade: 'B', decidedBy: ['hello:max-version'] })
    expect(gradeOf(exemplary({ downgrades: [{ code: 'MIN_VERSION_LOWERED', expected: ['TLS 1.2'], actual: ['TLS 1.0'] }] }))).toEqual({ grade: 'B', decidedBy: ['hello:min-version'] })
    expect(gradeOf(exemplary({ versions: { client: 'TLSv1.3', upstream: 'TLSv1.2' } }))).toEqual({ grade: 'B', decidedBy: ['legs:version'] })
  })

  it('does not grade revocation, the hybrid group or CBC-only suites, and names only the checks at the final grade', () => {
    const measured = exemplary({
      defects: withVerdict('revoked-ocsp', 'masked').map((d) => (d.defectId === 'cbc-only' ? defect('cbc-only', 'masked') : d)),
      downgrades: [{ code: 'HYBRID_GROUP_REMOVED', expected: ['X25519MLKEM768'], actual: ['x25519'] }],
    })
    const checks = gradeChecks(measured)
    expect(checks.find((c) => c.id === 'defect:revoked-ocsp')).toMatchObject({ result: 'info', cap: null })
    expect(checks.find((c) => c.id === 'defect:cbc-only')).toMatchObject({ result: 'info', cap: null })
    expect(checks.find((c) => c.id === 'hello:hybrid')).toMatchObject({ result: 'info', evidence: 'removed; upstream groups: x25519' })
    expect(gradeFrom(checks)).toEqual({ grade: 'A', decidedBy: [] })
    const mixed = exemplary({ defects: withVerdict('expired', 'masked'), versions: { client: 'TLSv1.3', upstream: 'TLSv1.2' } })
    expect(gradeOf(mixed)).toEqual({ grade: 'F', decidedBy: ['defect:expired'] })
  })

  it('marks the hello checks not applicable when no upstream hello reached the control', () => {
    const checks = gradeChecks(exemplary({ downgrades: null }))
    expect(checks.filter((c) => c.id.startsWith('hello:')).every((c) => c.result === 'n/a')).toBe(true)
  })
})
