import { describe, expect, it } from 'vitest'
import { makeChain, makeIntermediate, makeLeaf, makeRoot, stepOf, verifyChain } from '../support/make-chain.js'

describe('checkTrustAnchor', () => {
  it('passes TRUST and accepts a complete chain to a trusted root', () => {
    const { root, intermediate, leaf } = makeChain()
    const report = verifyChain([leaf, intermediate], [root])
    expect(report.verdict).toBe('accept')
    expect(stepOf(report, 'TRUST')).toMatchObject({ status: 'pass', detail: { anchor: 'O=mitmlab test, CN=Test Root' } })
    expect(report.path.map((c) => c.subject)).toEqual(['CN=bank.lab', 'O=mitmlab test, CN=Test Intermediate', 'O=mitmlab test, CN=Test Root'])
  })

  it('fails SELF_SIGNED_LEAF for a self-signed leaf, caught by TRUST', () => {
    const { root } = makeChain()
    const report = verifyChain([makeLeaf(undefined)], [root])
    expect(report).toMatchObject({ verdict: 'reject', catchingStep: 'TRUST', code: 'SELF_SIGNED_LEAF' })
  })

  it('fails UNKNOWN_ISSUER when the intermediate is not presented', () => {
    const { root, leaf } = makeChain()
    const report = verifyChain([leaf], [root])
    expect(report).toMatchObject({ catchingStep: 'TRUST', code: 'UNKNOWN_ISSUER' })
    expect(stepOf(report, 'TRUST').detail).toMatchObject({ issuer: 'O=mitmlab test, CN=Test Intermediate' })
  })

  it('fails UNTRUSTED_ROOT when the chain ends in a presented root nobody trusts', () => {
    const { root, intermediate, leaf } = makeChain()
    const report = verifyChain([leaf, intermediate, root], [makeRoot({ subject: { CN: 'Other Root' } })])
    expect(report).toMatchObject({ catchingStep: 'TRUST', code: 'UNTRUSTED_ROOT' })
  })

  it('fails CERT_MALFORMED for a leaf that is not DER and still records every step', () => {
    const { root } = makeChain()
    const report = verifyChain([], [root], { presented: [new Uint8Array([0x30, 0x03, 0x02, 0x01])] })
    expect(report).toMatchObject({ verdict: 'reject', catchingStep: 'TRUST', code: 'CERT_MALFORMED' })
    expect(report.steps).toHaveLength(13)
    expect(report.steps.slice(1).every((s) => s.status === 'skip' && s.code === 'NO_PATH')).toBe(true)
  })

  it('fails NO_CERTIFICATES when nothing is presented', () => {
    expect(verifyChain([], [makeRoot()])).toMatchObject({ catchingStep: 'TRUST', code: 'NO_CERTIFICATES' })
  })

  it('finds the path among junk, duplicates and presentation in any order', () => {
    const { root, intermediate, leaf } = makeChain()
    const junk = makeIntermediate(makeRoot({ subject: { CN: 'Junk Root' } }), { subject: { CN: 'Junk' } })
    const report = verifyChain([leaf, junk, intermediate, junk, intermediate], [root])
    expect(report.verdict).toBe('accept')
  })
})
