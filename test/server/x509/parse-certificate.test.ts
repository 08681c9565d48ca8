import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generateKeyPair, issueCertificate } from '../../../ca/index.js'
import { parseCertificate, spkiSha256Base64, summarizeCertificate } from '../../../server/x509/index.js'

const NOT_BEFORE = new Date('2024-06-01T00:00:00Z')
const NOT_AFTER = new Date('2025-06-01T00:00:00Z')

function issue(keySpec: Parameters<typeof generateKeyPair>[0]) {
  const root = issueCertificate({ subject: { O: 'Lab', CN: 'Root' }, key: generateKeyPair(keySpec), basicConstraints: { ca: true, pathLen: 1 }, keyUsage: ['keyCertSign', 'cRLSign'], notBefore: NOT_BEFORE, notAfter: NOT_AFTER })
  return issueCertificate({
    subject: { CN: 'bank.lab' },
    issuer: root,
    key: generateKeyPair(keySpec),
    sans: [{ dns: 'bank.lab' }, { ip: '127.0.0.1' }, { ip: '::1' }],
    extendedKeyUsage: ['serverAuth'],
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
  })
}

describe('parseCertificate', () => {
  it.each([
    [{ type: 'rsa', bits: 2048 } as const, 'RSA-2048', 'sha256WithRSAEncryption'],
    [{ type: 'ec', curve: 'P-256' } as const, 'EC P-256', 'ecdsa-with-SHA256'],
    [{ type: 'ed25519' } as const, 'Ed25519', 'Ed25519'],
  ])('reads a %o certificate into a summary', (keySpec, publicKey, signatureAlgorithm) => {
    const cert = issue(keySpec)
    const parsed = parseCertificate(cert.der)
    if (!parsed.ok) throw new Error(parsed.reason)
    const summary = summarizeCertificate(parsed.value)
    expect(summary).toMatchObject({
      subject: 'CN=bank.lab',
      issuer: 'O=Lab, CN=Root',
      version: 3,
      notBefore: '2024-06-01T00:00:00.000Z',
      notAfter: '2025-06-01T00:00:00.000Z',
      sans: [
        { type: 'dns', value: 'bank.lab' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ],
      isCa: null,
      extendedKeyUsage: ['serverAuth'],
      publicKey,
      signatureAlgorithm,
      spkiSha256: spkiSha256Base64(cert.key.spkiDer),
      fingerprintSha256: createHash('sha256').update(cert.der).digest('hex'),
    })
  })

  it('reads basic constraints and key usage of a CA', () => {
    const root = issueCertificate({ subject: { CN: 'Root' }, key: generateKeyPair({ type: 'ec', curve: 'P-256' }), basicConstraints: { ca: true, pathLen: 0 }, keyUsage: ['keyCertSign'] })
    const parsed = parseCertificate(root.der)
    expect(parsed.ok && summarizeCertificate(parsed.value)).toMatchObject({ isCa: true, pathLen: 0, keyUsage: ['keyCertSign'] })
  })

  it.each([
    ['empty input', new Uint8Array()],
    ['a truncated certificate', issue({ type: 'ec', curve: 'P-256' }).der.subarray(0, 100)],
    ['trailing garbage', Buffer.concat([issue({ type: 'ec', curve: 'P-256' }).der, Buffer.from([0])])],
    ['an indefinite length (BER)', Uint8Array.from([0x30, 0x80, 0x00, 0x00])],
    ['random bytes', Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256)],
  ])('returns a failure value, never throws, for %s', (_what, der) => {
    const parsed = parseCertificate(der)
    expect(parsed.ok).toBe(false)
    expect(parsed.ok ? '' : parsed.reason).toMatch(/./)
  })
})
