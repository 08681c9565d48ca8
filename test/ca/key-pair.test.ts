import { X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { describeKeySpec, generateKeyPair, issueCertificate, keyPairFromPem, type KeyPair, type KeySpec } from '../../ca/index.js'

// RSA-8192 costs ~10 s of CPU to generate: opt in with MITMLAB_SLOW_TESTS=1.
const slow = process.env['MITMLAB_SLOW_TESTS'] === '1'
const SPECS: { spec: KeySpec; nodeType: string; size: number | string }[] = [
  { spec: { type: 'rsa', bits: 512 }, nodeType: 'rsa', size: 512 },
  { spec: { type: 'rsa', bits: 1024 }, nodeType: 'rsa', size: 1024 },
  { spec: { type: 'rsa', bits: 2048 }, nodeType: 'rsa', size: 2048 },
  { spec: { type: 'rsa', bits: 3072 }, nodeType: 'rsa', size: 3072 },
  { spec: { type: 'rsa', bits: 4096 }, nodeType: 'rsa', size: 4096 },
  ...(slow ? [{ spec: { type: 'rsa', bits: 8192 } as const, nodeType: 'rsa', size: 8192 }] : []),
  { spec: { type: 'ec', curve: 'P-256' }, nodeType: 'ec', size: 'prime256v1' },
  { spec: { type: 'ec', curve: 'P-384' }, nodeType: 'ec', size: 'secp384r1' },
  { spec: { type: 'ec', curve: 'P-521' }, nodeType: 'ec', size: 'secp521r1' },
  { spec: { type: 'ed25519' }, nodeType: 'ed25519', size: 'none' },
]

// Generated once per spec: RSA-4096 alone costs ~1.5 s.
const keys = new Map<KeySpec, KeyPair>()
const keyFor = (spec: KeySpec): KeyPair => keys.get(spec) ?? keys.set(spec, generateKeyPair(spec)).get(spec) ?? generateKeyPair(spec)

describe('key pairs', () => {
  it.each(SPECS)('generates $spec.type $size keys that sign a certificate Node verifies', ({ spec, nodeType, size }) => {
    const key = keyFor(spec)
    expect(key.publicKey.asymmetricKeyType).toBe(nodeType)
    const details = key.publicKey.asymmetricKeyDetails
    expect(spec.type === 'rsa' ? details?.modulusLength : spec.type === 'ec' ? details?.namedCurve : 'none').toBe(size)
    const issued = issueCertificate({ subject: { CN: 'key.lab' }, key })
    const x509 = new X509Certificate(issued.der)
    expect(x509.verify(key.publicKey)).toBe(true)
    expect(x509.publicKey.export({ type: 'spki', format: 'der' })).toEqual(key.spkiDer)
  })

  it.each(SPECS)('reloads a $spec.type $size key from its PEM with the same spec', ({ spec }) => {
    const key = keyFor(spec)
    const reloaded = keyPairFromPem(key.privateKeyPem)
    expect(reloaded.spec).toEqual(spec)
    expect(reloaded.spkiDer).toEqual(key.spkiDer)
  })

  it('names keys the way people do', () => {
    expect(describeKeySpec({ type: 'rsa', bits: 2048 })).toBe('RSA-2048')
    expect(describeKeySpec({ type: 'ec', curve: 'P-384' })).toBe('EC P-384')
    expect(describeKeySpec({ type: 'ed25519' })).toBe('Ed25519')
  })

  it('fails CA_STORE_CORRUPT for a PEM that is not a private key', () => {
    expect(() => keyPairFromPem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).toThrow(
      expect.objectContaining({ code: 'CA_STORE_CORRUPT' }),
    )
  })
})
