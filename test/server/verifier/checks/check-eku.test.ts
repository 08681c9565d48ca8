import { describe, expect, it } from 'vitest'
import { makeIntermediate, makeLeaf, makeRoot, stepOf, verifyChain } from '../support/make-chain.js'

describe('checkEku', () => {
  it('fails EKU_MISSING_SERVER_AUTH for a client-only leaf', () => {
    const root = makeRoot()
    const report = verifyChain([makeLeaf(root, { extendedKeyUsage: ['clientAuth'] })], [root])
    expect(report).toMatchObject({ catchingStep: 'EKU', code: 'EKU_MISSING_SERVER_AUTH' })
    expect(stepOf(report, 'EKU').detail).toEqual({ subject: 'CN=bank.lab', presented: ['clientAuth'], expected: 'serverAuth' })
  })

  it('fails ISSUER_EKU_MISSING_SERVER_AUTH when an intermediate restricts EKU to email (EKU chaining)', () => {
    const root = makeRoot()
    const intermediate = makeIntermediate(root, { extendedKeyUsage: ['emailProtection'] })
    expect(verifyChain([makeLeaf(intermediate), intermediate], [root])).toMatchObject({ catchingStep: 'EKU', code: 'ISSUER_EKU_MISSING_SERVER_AUTH' })
  })

  it('passes EKU for an intermediate allowing anyExtendedKeyUsage', () => {
    const root = makeRoot()
    const intermediate = makeIntermediate(root, { extendedKeyUsage: ['anyExtendedKeyUsage'] })
    expect(stepOf(verifyChain([makeLeaf(intermediate), intermediate], [root]), 'EKU').status).toBe('pass')
  })

  it('fails EKU_MISSING_SERVER_AUTH for a leaf with only anyExtendedKeyUsage under webpki, passes under rfc5280', () => {
    const root = makeRoot()
    const leaf = makeLeaf(root, { extendedKeyUsage: ['anyExtendedKeyUsage'] })
    expect(stepOf(verifyChain([leaf], [root]), 'EKU').code).toBe('EKU_MISSING_SERVER_AUTH')
    expect(stepOf(verifyChain([leaf], [root], { profile: 'rfc5280' }), 'EKU').status).toBe('pass')
  })

  it('checks the EKU the caller requires', () => {
    const root = makeRoot()
    const leaf = makeLeaf(root, { extendedKeyUsage: ['clientAuth'] })
    expect(stepOf(verifyChain([leaf], [root], { requiredEku: ['1.3.6.1.5.5.7.3.2'] }), 'EKU').status).toBe('pass')
  })

  it('requires every EKU the caller names, on the leaf and on each intermediate, not just one of them', () => {
    const root = makeRoot()
    const both = ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']
    const serverOnlyLeaf = makeLeaf(root, { extendedKeyUsage: ['serverAuth'] })
    expect(stepOf(verifyChain([serverOnlyLeaf], [root], { requiredEku: both }), 'EKU').code).toBe('EKU_MISSING_SERVER_AUTH')
    expect(stepOf(verifyChain([makeLeaf(root, { extendedKeyUsage: ['serverAuth', 'clientAuth'] })], [root], { requiredEku: both }), 'EKU').status).toBe('pass')
    const serverOnlyIntermediate = makeIntermediate(root, { extendedKeyUsage: ['serverAuth'] })
    const leaf = makeLeaf(serverOnlyIntermediate, { extendedKeyUsage: ['serverAuth', 'clientAuth'] })
    expect(stepOf(verifyChain([leaf, serverOnlyIntermediate], [root], { requiredEku: both }), 'EKU').code).toBe('ISSUER_EKU_MISSING_SERVER_AUTH')
  })
})
