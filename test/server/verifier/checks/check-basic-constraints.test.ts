import { describe, expect, it } from 'vitest'
import { makeChain, makeIntermediate, makeLeaf, makeRoot, stepOf, verifyChain } from '../support/make-chain.js'

describe('checkBasicConstraints', () => {
  it('fails END_ENTITY_USED_AS_CA when a CA:FALSE certificate issues the leaf', () => {
    const root = makeRoot()
    const notACa = makeLeaf(root, { subject: { CN: 'www.shop.lab' }, sans: [{ dns: 'www.shop.lab' }], basicConstraints: { ca: false } })
    const report = verifyChain([makeLeaf(notACa), notACa], [root])
    expect(report).toMatchObject({ catchingStep: 'BC', code: 'END_ENTITY_USED_AS_CA' })
    expect(stepOf(report, 'BC').detail).toEqual({ subject: 'CN=www.shop.lab', child: 'CN=bank.lab' })
  })

  it('fails END_ENTITY_USED_AS_CA when the issuer has no basicConstraints at all', () => {
    const root = makeRoot()
    const issuer = makeLeaf(root, { subject: { CN: 'plain' }, keyUsage: ['keyCertSign'] })
    expect(verifyChain([makeLeaf(issuer), issuer], [root]).steps.find((s) => s.step === 'BC')).toMatchObject({ code: 'END_ENTITY_USED_AS_CA' })
  })

  it('fails CA_USED_AS_END_ENTITY for a CA certificate as the leaf under the webpki profile only', () => {
    const root = makeRoot()
    const caLeaf = makeIntermediate(root, { subject: { CN: 'bank.lab' }, sans: [{ dns: 'bank.lab' }] })
    expect(verifyChain([caLeaf], [root])).toMatchObject({ catchingStep: 'BC', code: 'CA_USED_AS_END_ENTITY' })
    expect(verifyChain([caLeaf], [root], { profile: 'rfc5280' }).verdict).toBe('accept')
  })

  it('fails BASIC_CONSTRAINTS_NOT_CRITICAL for a CA whose basicConstraints is not critical', () => {
    const root = makeRoot()
    const intermediate = makeIntermediate(root, { basicConstraints: { ca: true, critical: false } })
    expect(verifyChain([makeLeaf(intermediate), intermediate], [root])).toMatchObject({ catchingStep: 'BC', code: 'BASIC_CONSTRAINTS_NOT_CRITICAL' })
  })

  it('passes BC for a proper chain', () => {
    const { root, intermediate, leaf } = makeChain()
    expect(stepOf(verifyChain([leaf, intermediate], [root]), 'BC').status).toBe('pass')
  })
})
