import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generateKeyPair, issueCertificate } from '../../../../ca/index.js'
import { explicitCurveSpki } from '../../../../scenarios/scenario-file/explicit-curve.js'
import { makeLeaf, makeRoot, stepOf, verifyChain, NOT_AFTER, NOT_BEFORE } from '../support/make-chain.js'

describe('checkAlgorithms', () => {
  it('fails WEAK_SIGNATURE_HASH for a SHA-1 signed leaf, caught by ALG', () => {
    const root = makeRoot()
    const report = verifyChain([makeLeaf(root, { signatureHash: 'sha1' })], [root])
    expect(report).toMatchObject({ catchingStep: 'ALG', code: 'WEAK_SIGNATURE_HASH' })
    expect(stepOf(report, 'ALG').detail).toEqual({ subject: 'CN=bank.lab', algorithm: 'ecdsa-with-SHA1' })
  })

  it('fails WEAK_RSA_KEY for an RSA-1024 leaf key', () => {
    const root = makeRoot()
    const report = verifyChain([makeLeaf(root, { key: generateKeyPair({ type: 'rsa', bits: 1024 }) })], [root])
    expect(stepOf(report, 'ALG')).toMatchObject({ code: 'WEAK_RSA_KEY', detail: { key: 'RSA-1024' } })
  })

  it('fails WEAK_SIGNATURE_HASH for an MD5 signature from an RSA root', () => {
    const root = issueCertificate({ subject: { CN: 'RSA Root' }, key: generateKeyPair({ type: 'rsa', bits: 2048 }), basicConstraints: { ca: true }, keyUsage: ['keyCertSign'], notBefore: NOT_BEFORE, notAfter: NOT_AFTER })
    expect(stepOf(verifyChain([makeLeaf(root, { signatureHash: 'md5' })], [root]), 'ALG').code).toBe('WEAK_SIGNATURE_HASH')
  })

  // CA/B Forum BR §7.1.3.2 allow SHA-256/384/512 only; RFC 5280 (RFC 5758 §3.2) also allows SHA-224.
  it('refuses a SHA-224 signature in the Web PKI profile (UNSUPPORTED_SIGNATURE_ALGORITHM) and accepts it under RFC 5280', () => {
    const root = makeRoot()
    const leaf = makeLeaf(root, { signatureHash: 'sha224' })
    const webpki = verifyChain([leaf], [root])
    expect(webpki).toMatchObject({ catchingStep: 'ALG', code: 'UNSUPPORTED_SIGNATURE_ALGORITHM' })
    expect(stepOf(webpki, 'ALG').detail).toEqual({ subject: 'CN=bank.lab', algorithm: 'ecdsa-with-SHA224' })
    expect(stepOf(verifyChain([leaf], [root], { profile: 'rfc5280' }), 'ALG').status).toBe('pass')
  })

  it('passes ALG for SHA-256 ECDSA P-256 and does not judge the anchor self-signature', () => {
    const root = makeRoot({ signatureHash: 'sha1' })
    expect(stepOf(verifyChain([makeLeaf(root)], [root]), 'ALG').status).toBe('pass')
  })

  it('fails EC_EXPLICIT_PARAMETERS for a leaf key with explicit curve parameters (CurveBall)', () => {
    const root = makeRoot()
    const named = makeLeaf(root)
    const leaf = makeLeaf(root, { key: named.key, tamper: { replaceSpki: explicitCurveSpki(named.key.spkiDer) } })
    const report = verifyChain([leaf], [root])
    expect(stepOf(report, 'ALG')).toMatchObject({ code: 'EC_EXPLICIT_PARAMETERS', detail: { key: 'EC explicit parameters' } })
  })

  // CA/B BR §6.1.5: ECDSA keys on P-256, P-384 or P-521 only; secp256k1 (Bitcoin's curve) is named but not allowed.
  it('fails UNSUPPORTED_KEY_TYPE for a leaf key on secp256k1, naming the key', () => {
    const root = makeRoot()
    const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ type: 'spki', format: 'der' })
    const leaf = makeLeaf(root, { tamper: { replaceSpki: Buffer.from(secp256k1) } })
    expect(stepOf(verifyChain([leaf], [root]), 'ALG')).toMatchObject({ status: 'fail', code: 'UNSUPPORTED_KEY_TYPE' })
  })
})
