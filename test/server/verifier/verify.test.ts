import { describe, expect, it } from 'vitest'
import { STEP_IDS } from '../../../server/steps/step-ids.js'
import { FAILURE_RANK, FAILURE_STEP, describeFailure } from '../../../server/verifier/index.js'
import { makeChain, makeIntermediate, makeLeaf, makeRoot, stepOf, verifyChain } from './support/make-chain.js'

describe('verify', () => {
  it('records all 13 certificate steps in STEP_IDS order, even after a failure', () => {
    const { root, intermediate } = makeChain()
    const leaf = makeLeaf(intermediate, { sans: [{ dns: 'evil.lab' }], notAfter: new Date('2024-12-01T00:00:00Z') })
    const report = verifyChain([leaf, intermediate], [root])
    const steps = report.steps.map((s) => s.step)
    expect(steps).toEqual(['TRUST', 'SIG', 'DATES', 'HOST', 'BC', 'PATHLEN', 'KU', 'EKU', 'NC', 'ALG', 'CRIT', 'REV', 'PIN'])
    expect(steps).toEqual(STEP_IDS.filter((id) => steps.includes(id)))
    expect(stepOf(report, 'DATES').code).toBe('CERT_EXPIRED')
    expect(stepOf(report, 'HOST').code).toBe('HOSTNAME_MISMATCH')
  })

  it('names the highest-ranked failure as the catching step (expired beats wrong host)', () => {
    const { root, intermediate } = makeChain()
    const leaf = makeLeaf(intermediate, { sans: [{ dns: 'evil.lab' }], notAfter: new Date('2024-12-01T00:00:00Z') })
    expect(verifyChain([leaf, intermediate], [root])).toMatchObject({ verdict: 'reject', catchingStep: 'DATES', code: 'CERT_EXPIRED' })
  })

  it('ranks a definite defect above "no anchor" (a self-signed leaf for the wrong host is caught by HOST)', () => {
    const report = verifyChain([makeLeaf(undefined, { sans: [{ dns: 'evil.lab' }] })], [makeRoot()])
    expect(report).toMatchObject({ catchingStep: 'HOST', code: 'HOSTNAME_MISMATCH' })
    expect(stepOf(report, 'TRUST').code).toBe('SELF_SIGNED_LEAF')
  })

  it('returns the accepted path as summaries and no catching step', () => {
    const { root, intermediate, leaf } = makeChain()
    const report = verifyChain([leaf, intermediate], [root])
    expect(report).toMatchObject({ verdict: 'accept', catchingStep: null, code: null })
    expect(report.path[0]).toMatchObject({ subject: 'CN=bank.lab', sans: [{ type: 'dns', value: 'bank.lab' }], isCa: null })
    expect(report.steps.filter((s) => s.status === 'fail')).toEqual([])
  })

  it('is pure: the same input gives the same report', () => {
    const { root, intermediate, leaf } = makeChain()
    const other = makeIntermediate(makeRoot({ subject: { CN: 'X' } }))
    expect(verifyChain([leaf, other, intermediate], [root])).toEqual(verifyChain([leaf, other, intermediate], [root]))
  })

  it('maps every failure code to a step and a non-empty sentence', () => {
    for (const code of Object.keys(FAILURE_RANK) as (keyof typeof FAILURE_RANK)[]) {
      expect(STEP_IDS).toContain(FAILURE_STEP[code])
      expect(describeFailure(code, {}).length).toBeGreaterThan(10)
    }
  })
})
