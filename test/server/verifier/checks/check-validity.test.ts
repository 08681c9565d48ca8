import { describe, expect, it } from 'vitest'
import { makeChain, makeIntermediate, makeLeaf, stepOf, verifyChain } from '../support/make-chain.js'

describe('checkValidity', () => {
  it('fails CERT_EXPIRED for an expired leaf, caught by DATES', () => {
    const { root, intermediate } = makeChain()
    const leaf = makeLeaf(intermediate, { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2024-12-31T23:59:59Z') })
    const report = verifyChain([leaf, intermediate], [root])
    expect(report).toMatchObject({ catchingStep: 'DATES', code: 'CERT_EXPIRED' })
    expect(stepOf(report, 'DATES').detail).toEqual({
      subject: 'CN=bank.lab',
      now: '2025-01-01T00:00:00.000Z',
      notBefore: '2024-01-01T00:00:00.000Z',
      notAfter: '2024-12-31T23:59:59.000Z',
    })
  })

  it('fails CERT_NOT_YET_VALID for a leaf from the future', () => {
    const { root, intermediate } = makeChain()
    const leaf = makeLeaf(intermediate, { notBefore: new Date('2025-01-01T00:00:01Z') })
    expect(verifyChain([leaf, intermediate], [root])).toMatchObject({ catchingStep: 'DATES', code: 'CERT_NOT_YET_VALID' })
  })

  it('fails CERT_EXPIRED for an expired intermediate', () => {
    const { root } = makeChain()
    const intermediate = makeIntermediate(root, { notAfter: new Date('2024-12-01T00:00:00Z') })
    const report = verifyChain([makeLeaf(intermediate), intermediate], [root])
    expect(report).toMatchObject({ catchingStep: 'DATES', code: 'CERT_EXPIRED' })
    expect(stepOf(report, 'DATES').detail).toMatchObject({ subject: 'O=mitmlab test, CN=Test Intermediate' })
  })

  it('passes DATES at the exact notAfter second (both bounds are inclusive)', () => {
    const { root, intermediate } = makeChain()
    const leaf = makeLeaf(intermediate, { notAfter: new Date('2025-01-01T00:00:00Z') })
    expect(stepOf(verifyChain([leaf, intermediate], [root], { now: new Date('2025-01-01T00:00:00.900Z') }), 'DATES').status).toBe('pass')
  })
})
