import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '../../../ca/index.js'
import { parseCertificate } from '../../../server/x509/index.js'
import { makeLeaf, makeRoot, stepOf, verifyChain } from './support/make-chain.js'

/** ML-DSA (FIPS 204) chains, encoded per draft-ietf-lamps-dilithium-certificates, verified with a pinned clock. */
const mlDsa = (level: 44 | 65 | 87) => generateKeyPair({ type: 'ml-dsa', level })

describe('ML-DSA certificates in the lab verifier', () => {
  it('accepts an ML-DSA-65 root → ML-DSA-65 leaf chain, every step passing, and names the keys', () => {
    const root = makeRoot({ key: mlDsa(65) })
    const leaf = makeLeaf(root, { key: mlDsa(65) })
    const report = verifyChain([leaf], [root])
    expect(report).toMatchObject({ verdict: 'accept', catchingStep: null })
    expect(stepOf(report, 'SIG').status).toBe('pass')
    expect(stepOf(report, 'ALG').status).toBe('pass')
    expect(report.path[0]).toMatchObject({ publicKey: 'ML-DSA-65', signatureAlgorithm: 'ML-DSA-65' })
  })

  it('accepts mixed chains: an ML-DSA-44 leaf under an ML-DSA-87 root, and an ML-DSA leaf under an EC root', () => {
    const pqRoot = makeRoot({ key: mlDsa(87) })
    expect(verifyChain([makeLeaf(pqRoot, { key: mlDsa(44) })], [pqRoot]).verdict).toBe('accept')
    const ecRoot = makeRoot()
    expect(verifyChain([makeLeaf(ecRoot, { key: mlDsa(65) })], [ecRoot]).verdict).toBe('accept')
  })

  it('fails SIG for an ML-DSA signature with one bit flipped', () => {
    const root = makeRoot({ key: mlDsa(65) })
    const leaf = makeLeaf(root, { key: mlDsa(65) })
    const tampered = Buffer.from(leaf.der)
    tampered[tampered.length - 100] = (tampered[tampered.length - 100] ?? 0) ^ 0x01
    const report = verifyChain([{ ...leaf, der: tampered }], [root])
    expect(report.verdict).toBe('reject')
    expect(stepOf(report, 'SIG')).toMatchObject({ status: 'fail', code: 'BAD_SIGNATURE' })
  })

  it('fails SIG when the leaf was signed by another ML-DSA key than the anchor named as its issuer', () => {
    const root = makeRoot({ key: mlDsa(65) })
    const impostor = makeRoot({ key: mlDsa(65) })
    const report = verifyChain([makeLeaf(impostor)], [root])
    expect(report.verdict).toBe('reject')
    expect(stepOf(report, 'SIG').status).not.toBe('pass')
  })

  it('parses the SPKI as ML-DSA only with absent parameters and the FIPS 204 key size', () => {
    const cert = parseCertificate(makeLeaf(makeRoot(), { key: mlDsa(65) }).der)
    expect(cert.ok && cert.value.publicKey).toEqual({ kind: 'ml-dsa', level: 65 })
  })
})
