import { describe, expect, it } from 'vitest'
import { issueCertificate } from '../../../../ca/index.js'
import { ecKey, makeIntermediate, makeLeaf, makeRoot, stepOf, verifyChain, NOT_AFTER, NOT_BEFORE } from '../support/make-chain.js'

describe('checkKeyUsage', () => {
  it('fails ISSUER_NOT_CERT_SIGNER when the intermediate key usage lacks keyCertSign', () => {
    const root = makeRoot()
    const intermediate = makeIntermediate(root, { keyUsage: ['digitalSignature', 'cRLSign'] })
    const report = verifyChain([makeLeaf(intermediate), intermediate], [root])
    expect(report).toMatchObject({ catchingStep: 'KU', code: 'ISSUER_NOT_CERT_SIGNER' })
    expect(stepOf(report, 'KU').detail).toEqual({ subject: 'O=mitmlab test, CN=Test Intermediate', keyUsage: ['digitalSignature', 'cRLSign'] })
  })

  it('fails KEY_CERT_SIGN_WITHOUT_CA for a leaf asserting keyCertSign', () => {
    const root = makeRoot()
    expect(verifyChain([makeLeaf(root, { keyUsage: ['digitalSignature', 'keyCertSign'] })], [root])).toMatchObject({ catchingStep: 'KU', code: 'KEY_CERT_SIGN_WITHOUT_CA' })
  })

  it('passes KU for an intermediate without a keyUsage extension (absent means unrestricted)', () => {
    const root = makeRoot()
    const intermediate = issueCertificate({ subject: { CN: 'No KU' }, issuer: root, key: ecKey(), basicConstraints: { ca: true }, notBefore: NOT_BEFORE, notAfter: NOT_AFTER })
    const report = verifyChain([makeLeaf(intermediate), intermediate], [root])
    expect(report.path[1]?.extensions.some((e) => e.name === 'keyUsage')).toBe(false)
    expect(stepOf(report, 'KU').status).toBe('pass')
  })
})

describe('checkKeyUsage with a required leaf usage', () => {
  it('fails LEAF_KEY_USAGE_INSUFFICIENT when the leaf keyUsage lacks a required usage', () => {
    const root = makeRoot()
    const leaf = makeLeaf(root, { keyUsage: ['keyEncipherment'] })
    const report = verifyChain([leaf], [root], { requiredKeyUsage: ['digitalSignature'] })
    expect(report).toMatchObject({ catchingStep: 'KU', code: 'LEAF_KEY_USAGE_INSUFFICIENT' })
    expect(stepOf(report, 'KU').detail).toEqual({ subject: 'CN=bank.lab', presented: ['keyEncipherment'], expected: 'digitalSignature' })
  })
})
