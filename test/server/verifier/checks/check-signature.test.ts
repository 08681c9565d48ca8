import { describe, expect, it } from 'vitest'
import { generateKeyPair, issueCertificate } from '../../../../ca/index.js'
import { makeChain, makeIntermediate, makeLeaf, makeRoot, stepOf, verifyChain, NOT_AFTER, NOT_BEFORE } from '../support/make-chain.js'

describe('checkSignature', () => {
  it('fails BAD_SIGNATURE when a bit of the leaf signature is flipped', () => {
    const { root, intermediate } = makeChain()
    const leaf = makeLeaf(intermediate, { tamper: 'flip-signature-bit' })
    const report = verifyChain([leaf, intermediate], [root])
    expect(report).toMatchObject({ catchingStep: 'SIG', code: 'BAD_SIGNATURE' })
    expect(stepOf(report, 'SIG').detail).toMatchObject({ subject: 'CN=bank.lab', issuer: 'O=mitmlab test, CN=Test Intermediate' })
  })

  it('fails BAD_SIGNATURE for a fake CA that copies the trusted root name exactly', () => {
    const root = makeRoot()
    const fakeRoot = makeRoot() // same subject, different key
    const leaf = makeLeaf(fakeRoot)
    const report = verifyChain([leaf], [root])
    expect(report).toMatchObject({ verdict: 'reject', catchingStep: 'SIG', code: 'BAD_SIGNATURE' })
  })

  it('fails BAD_SIGNATURE when the leaf key was swapped after signing', () => {
    const { root, intermediate } = makeChain()
    const leaf = makeLeaf(intermediate, { tamper: { replaceSpki: generateKeyPair({ type: 'ec', curve: 'P-256' }).spkiDer } })
    expect(verifyChain([leaf, intermediate], [root])).toMatchObject({ catchingStep: 'SIG', code: 'BAD_SIGNATURE' })
  })

  it.each([
    ['RSA PKCS#1 v1.5', { type: 'rsa', bits: 2048 }, 'pkcs1'],
    ['RSA-PSS', { type: 'rsa', bits: 2048 }, 'pss'],
    ['ECDSA P-384', { type: 'ec', curve: 'P-384' }, 'pkcs1'],
    ['ECDSA P-521', { type: 'ec', curve: 'P-521' }, 'pkcs1'],
    ['Ed25519', { type: 'ed25519' }, 'pkcs1'],
  ] as const)('passes SIG for a %s issuer', (_name, keySpec, rsaPadding) => {
    const root = issueCertificate({
      subject: { CN: 'Algo Root' },
      key: generateKeyPair(keySpec),
      basicConstraints: { ca: true },
      keyUsage: ['keyCertSign'],
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
    })
    const leaf = makeLeaf(root, { rsaPadding })
    const report = verifyChain([leaf], [root])
    expect(stepOf(report, 'SIG')).toMatchObject({ status: 'pass', detail: { verified: 1 } })
    expect(report.verdict).toBe('accept')
  })

  it('counts 0 verified signatures for a leaf trusted as its own anchor (a one-certificate path)', () => {
    const pinnedLeaf = makeLeaf(undefined, { basicConstraints: { ca: false } })
    const report = verifyChain([pinnedLeaf], [pinnedLeaf])
    expect(stepOf(report, 'SIG')).toMatchObject({ status: 'pass', message: 'All 0 signature(s) on the path verify', detail: { verified: 0 } })
  })

  it('does not verify the anchor self-signature (an anchor is a name and a key)', () => {
    const root = makeRoot({ tamper: 'flip-signature-bit' })
    const intermediate = makeIntermediate(root)
    expect(verifyChain([makeLeaf(intermediate), intermediate], [root]).verdict).toBe('accept')
  })
})

describe('checkSignature across key types', () => {
  it('fails BAD_SIGNATURE for an ECDSA signature checked against an Ed25519 anchor of the same name', () => {
    const root = makeRoot()
    const edRoot = issueCertificate({ subject: root.subject, key: generateKeyPair({ type: 'ed25519' }), basicConstraints: { ca: true }, keyUsage: ['keyCertSign'], notBefore: NOT_BEFORE, notAfter: NOT_AFTER })
    expect(verifyChain([makeLeaf(root)], [edRoot])).toMatchObject({ verdict: 'reject', catchingStep: 'SIG', code: 'BAD_SIGNATURE' })
  })
})
