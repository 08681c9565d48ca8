import { X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generateKeyPair, issueCertificate, type IssuedCertificate, type KeySpec, type SignatureHash } from '../../ca/index.js'
import { parseCertificate } from './asn1.js'

const rsaIssuer = issuer({ type: 'rsa', bits: 2048 })
const ecIssuer = issuer({ type: 'ec', curve: 'P-256' })
const edIssuer = issuer({ type: 'ed25519' })

function issuer(keySpec: KeySpec): IssuedCertificate {
  return issueCertificate({ subject: { CN: `${keySpec.type} issuer` }, key: generateKeyPair(keySpec), basicConstraints: { ca: true } })
}

function leafUnder(parent: IssuedCertificate, signatureHash: SignatureHash, rsaPadding: 'pkcs1' | 'pss' = 'pkcs1'): Buffer {
  const key = generateKeyPair({ type: 'ec', curve: 'P-256' })
  return issueCertificate({ subject: { CN: 'leaf.lab' }, issuer: parent, key, signatureHash, rsaPadding }).der
}

/** The outer signatureAlgorithm and the TBS copy must agree (RFC 5280 §4.1.1.2); both are checked. */
function algorithms(der: Buffer): { outer: string; inner: string } {
  const cert = parseCertificate(der)
  return { outer: cert.signatureAlgorithm.algorithm, inner: cert.tbsCertificate.signature.algorithm }
}

describe('signature algorithms', () => {
  it.each([
    ['md5', '1.2.840.113549.1.1.4'],
    ['sha1', '1.2.840.113549.1.1.5'],
    ['sha224', '1.2.840.113549.1.1.14'],
    ['sha256', '1.2.840.113549.1.1.11'],
    ['sha384', '1.2.840.113549.1.1.12'],
    ['sha512', '1.2.840.113549.1.1.13'],
  ] as const)('signs RSA PKCS#1 v1.5 with %s (%s) and node:crypto verifies it', (hash, oid) => {
    const der = leafUnder(rsaIssuer, hash)
    expect(algorithms(der)).toEqual({ outer: oid, inner: oid })
    expect(new X509Certificate(der).verify(rsaIssuer.key.publicKey)).toBe(true)
  })

  it.each([
    ['sha1', '1.2.840.10045.4.1'],
    ['sha224', '1.2.840.10045.4.3.1'],
    ['sha256', '1.2.840.10045.4.3.2'],
    ['sha384', '1.2.840.10045.4.3.3'],
    ['sha512', '1.2.840.10045.4.3.4'],
  ] as const)('signs ECDSA with %s (%s) and node:crypto verifies it', (hash, oid) => {
    const der = leafUnder(ecIssuer, hash)
    expect(algorithms(der)).toEqual({ outer: oid, inner: oid })
    expect(new X509Certificate(der).verify(ecIssuer.key.publicKey)).toBe(true)
  })

  it('signs Ed25519 (1.3.101.112, no parameters) and node:crypto verifies it', () => {
    const der = leafUnder(edIssuer, 'sha256')
    expect(algorithms(der)).toEqual({ outer: '1.3.101.112', inner: '1.3.101.112' })
    expect(parseCertificate(der).signatureAlgorithm.parameters).toBeUndefined()
    expect(new X509Certificate(der).verify(edIssuer.key.publicKey)).toBe(true)
  })

  it('signs RSASSA-PSS with SHA-256 and explicit parameters, and node:crypto verifies it', () => {
    const der = leafUnder(rsaIssuer, 'sha256', 'pss')
    expect(algorithms(der)).toEqual({ outer: '1.2.840.113549.1.1.10', inner: '1.2.840.113549.1.1.10' })
    expect(parseCertificate(der).signatureAlgorithm.parameters?.byteLength).toBeGreaterThan(0)
    expect(new X509Certificate(der).verify(rsaIssuer.key.publicKey)).toBe(true)
  })

  it('does not verify against a different issuer key', () => {
    const der = leafUnder(rsaIssuer, 'sha256')
    expect(new X509Certificate(der).verify(generateKeyPair({ type: 'rsa', bits: 1024 }).publicKey)).toBe(false)
  })

  it('fails CA_INVALID_PARAMS for ECDSA with MD5 and for RSA-PSS with anything but SHA-256', () => {
    expect(() => leafUnder(ecIssuer, 'md5')).toThrow(expect.objectContaining({ code: 'CA_INVALID_PARAMS' }))
    expect(() => leafUnder(rsaIssuer, 'sha384', 'pss')).toThrow(expect.objectContaining({ code: 'CA_INVALID_PARAMS' }))
  })
})
