import { spawnSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateKeyPair, issueCertificate } from '../../ca/index.js'
import { parseCertificate, sanDnsNames } from './asn1.js'

const hasOpenssl = spawnSync('openssl', ['version']).status === 0
const ecKey = (): ReturnType<typeof generateKeyPair> => generateKeyPair({ type: 'ec', curve: 'P-256' })
const root = issueCertificate({ subject: { CN: 'Structure Root' }, key: ecKey(), basicConstraints: { ca: true } })

function opensslText(pem: string, ...args: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mitmlab-ca-')), 'cert.pem')
  writeFileSync(file, pem)
  const result = spawnSync('openssl', ['x509', '-in', file, '-noout', ...args], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`openssl x509 failed: ${result.stderr}`)
  return result.stdout
}

/** Offset of the contents of the DER TLV starting at `offset` (X.690 §8.1.3 length forms). */
function contentOffset(der: Buffer, offset: number): number {
  const first = der.readUInt8(offset + 1)
  return offset + 2 + (first & 0x80 ? first & 0x7f : 0)
}

describe('certificate structure', () => {
  it('omits the version field and every extension from a v1 certificate (RFC 5280 §4.1.2.1)', () => {
    const v1 = issueCertificate({ subject: { CN: 'v1.lab' }, issuer: root, key: ecKey(), version: 1, sans: [{ dns: 'v1.lab' }], basicConstraints: { ca: true } })
    const tbs = parseCertificate(v1.der).tbsCertificate
    expect(tbs.version).toBe(0)
    expect(tbs.extensions).toBeUndefined()
    // The TBS's first element is the serial INTEGER (0x02), not the [0] EXPLICIT version (0xa0).
    const tbsContent = contentOffset(v1.der, contentOffset(v1.der, 0))
    expect(v1.der[tbsContent]).toBe(0x02)
    expect(new X509Certificate(v1.der).verify(root.key.publicKey)).toBe(true)
  })

  it('writes version 3 with the extensions when not asked otherwise', () => {
    const v3 = issueCertificate({ subject: { CN: 'v3.lab' }, issuer: root, key: ecKey(), sans: [{ dns: 'v3.lab' }] })
    const tbs = parseCertificate(v3.der).tbsCertificate
    expect(tbs.version).toBe(2)
    expect(v3.der[contentOffset(v3.der, contentOffset(v3.der, 0))]).toBe(0xa0)
    expect(tbs.extensions?.map((e) => e.extnID)).toEqual(['2.5.29.17', '2.5.29.14', '2.5.29.35'])
  })

  it('keeps a NUL byte inside a SAN dNSName byte for byte (the 2009 null-prefix attack)', () => {
    const name = 'bank.lab\u0000.attacker.example'
    const leaf = issueCertificate({ subject: { CN: 'nul.lab' }, issuer: root, key: ecKey(), sans: [{ dns: name }] })
    expect(sanDnsNames(leaf.der)).toEqual([name])
    expect(new X509Certificate(leaf.der).subjectAltName).toBe('DNS:"bank.lab\\u0000.attacker.example"')
  })

  it("makes node:crypto's verification fail with tamper 'flip-signature-bit'", () => {
    const key = ecKey()
    const honest = issueCertificate({ subject: { CN: 'sig.lab' }, issuer: root, key, serialNumber: '0abc' })
    const tampered = issueCertificate({ subject: { CN: 'sig.lab' }, issuer: root, key, serialNumber: '0abc', tamper: 'flip-signature-bit' })
    expect(new X509Certificate(honest.der).verify(root.key.publicKey)).toBe(true)
    expect(new X509Certificate(tampered.der).verify(root.key.publicKey)).toBe(false)
  })

  it('swaps in another key with tamper replaceSpki, so the signature no longer covers the TBS', () => {
    const other = ecKey()
    const tampered = issueCertificate({ subject: { CN: 'spki.lab' }, issuer: root, key: ecKey(), tamper: { replaceSpki: other.spkiDer } })
    const x509 = new X509Certificate(tampered.der)
    expect(x509.publicKey.export({ type: 'spki', format: 'der' })).toEqual(other.spkiDer)
    expect(x509.verify(root.key.publicKey)).toBe(false)
  })

  it.skipIf(!hasOpenssl)('encodes name constraints exactly as openssl prints them, critical by default', () => {
    const ca = issueCertificate({
      subject: { CN: 'Constrained CA' },
      key: ecKey(),
      basicConstraints: { ca: true },
      nameConstraints: {
        permitted: [{ dns: 'lab' }, { ip: '10.1.0.0/16' }, { email: 'lab' }, { uri: '.lab' }],
        excluded: [{ dns: 'evil.lab' }, { ip: '::1/128' }, { dn: { C: 'ZZ', O: 'Evil' } }],
      },
    })
    expect(opensslText(ca.pem, '-ext', 'nameConstraints')).toBe(
      [
        'X509v3 Name Constraints: critical',
        '    Permitted:',
        '      DNS:lab',
        '      IP:10.1.0.0/255.255.0.0',
        '      email:lab',
        '      URI:.lab',
        '    Excluded:',
        '      DNS:evil.lab',
        '      IP:0:0:0:0:0:0:0:1/FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF',
        '      DirName:C = ZZ, O = Evil',
        '',
      ].join('\n'),
    )
  })

  it.skipIf(!hasOpenssl)('writes non-critical name constraints when asked (the misissued-constraint scenarios)', () => {
    const ca = issueCertificate({ subject: { CN: 'Soft CA' }, key: ecKey(), basicConstraints: { ca: true }, nameConstraints: { permitted: [{ dns: 'lab' }], critical: false } })
    expect(opensslText(ca.pem, '-ext', 'nameConstraints').split('\n')[0]).toBe('X509v3 Name Constraints: ')
  })

  it('fails CA_INVALID_PARAMS for a constraint IP that is not CIDR and a SAN IP that is not an address', () => {
    const params = { subject: { CN: 'bad' }, key: ecKey() }
    expect(() => issueCertificate({ ...params, nameConstraints: { permitted: [{ ip: '127.0.0.1' }] } })).toThrow(
      expect.objectContaining({ code: 'CA_INVALID_PARAMS' }),
    )
    expect(() => issueCertificate({ ...params, nameConstraints: { permitted: [{ ip: '10.0.0.0/33' }] } })).toThrow(
      expect.objectContaining({ code: 'CA_INVALID_PARAMS' }),
    )
    expect(() => issueCertificate({ ...params, sans: [{ ip: 'bank.lab' }] })).toThrow(expect.objectContaining({ code: 'CA_INVALID_PARAMS' }))
  })
})
