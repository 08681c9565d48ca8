import { X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import forge, { fromDerOpaque } from '../../ca/forge.js'
import { generateKeyPair, issueCertificate, LeafCache } from '../../ca/index.js'
import { leafParams, LeafTemplate } from '../../ca/leaf-template.js'
import { testPki } from '../support/lab-pki.js'

const pki = testPki()
const NOW = new Date('2026-12-04T12:00:00Z')
const params = {
  issuer: pki.interceptionCa,
  key: generateKeyPair({ type: 'ec', curve: 'P-256' }),
  notBefore: new Date(NOW.getTime() - 3_600_000),
  notAfter: new Date(NOW.getTime() + 30 * 86_400_000),
}

/** The TBSCertificate bytes: what is signed, and all that two signatures of the same content share. */
function tbsBytes(der: Buffer): string {
  const [tbs] = fromDerOpaque(der).value as forge.asn1.Asn1[]
  return forge.asn1.toDer(tbs as forge.asn1.Asn1).getBytes()
}

describe('LeafTemplate', () => {
  it.each(['shop.lab', '127.0.0.1', '::1', `${'a'.repeat(70)}.lab`])(
    'signs exactly the TBSCertificate issueCertificate would build for %s',
    (host) => {
      const template = new LeafTemplate(params, NOW)
      const leaf = template.issue(host)
      const reference = issueCertificate({ ...leafParams(params, host), serialNumber: leaf.serialNumber })
      expect(tbsBytes(leaf.der)).toBe(tbsBytes(reference.der))
      const x509 = new X509Certificate(leaf.der)
      expect(x509.verify(new X509Certificate(pki.interceptionCa.der).publicKey)).toBe(true)
      expect(x509.serialNumber.toLowerCase()).toBe(leaf.serialNumber)
    },
  )

  it('gives every leaf its own serial and name, and leaves the template reusable', () => {
    const template = new LeafTemplate(params, NOW)
    const a = new X509Certificate(template.issue('a.lab').der)
    const b = new X509Certificate(template.issue('b.lab').der)
    const again = new X509Certificate(template.issue('a.lab').der)
    expect(a.subjectAltName).toBe('DNS:a.lab')
    expect(b.subjectAltName).toBe('DNS:b.lab')
    expect(b.subject).toBe('CN=b.lab')
    expect(new Set([a.serialNumber, b.serialNumber, again.serialNumber]).size).toBe(3)
    expect(a.checkHost('a.lab')).toBe('a.lab')
    expect(b.checkHost('a.lab')).toBeUndefined()
  })
})

describe('LeafCache templates', () => {
  it('moves the validity window on once the template is an hour old (pinned clock)', () => {
    let now = NOW
    const cache = new LeafCache({ issuer: pki.interceptionCa, now: () => now, build: (leaf) => leaf })
    const first = cache.get('one.lab')
    now = new Date(NOW.getTime() + 30 * 60_000)
    expect(cache.get('two.lab').notBefore).toEqual(first.notBefore)
    now = new Date(NOW.getTime() + 61 * 60_000)
    const later = cache.get('three.lab')
    expect(later.notBefore).toEqual(new Date(now.getTime() - 3_600_000))
    expect(new Date(new X509Certificate(later.der).validFrom)).toEqual(later.notBefore)
  })
})
