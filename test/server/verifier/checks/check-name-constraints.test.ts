import { describe, expect, it } from 'vitest'
import type { NameConstraintsSpec } from '../../../../ca/index.js'
import type { IssueCertificateParams } from '../../../../ca/index.js'
import { makeIntermediate, makeLeaf, makeRoot, stepOf, verifyChain } from '../support/make-chain.js'

function ncStep(nameConstraints: NameConstraintsSpec, leafParams: Partial<IssueCertificateParams>, expectedHost = 'bank.lab') {
  const root = makeRoot()
  const intermediate = makeIntermediate(root, { nameConstraints })
  return verifyChain([makeLeaf(intermediate, leafParams), intermediate], [root], { expectedHost })
}

describe('checkNameConstraints', () => {
  it('passes NC for a name inside the permitted DNS subtree', () => {
    expect(stepOf(ncStep({ permitted: [{ dns: 'lab' }] }, { sans: [{ dns: 'www.bank.lab' }] }, 'www.bank.lab'), 'NC').status).toBe('pass')
  })

  it('fails NAME_NOT_PERMITTED for a SAN outside the permitted subtree, caught by NC', () => {
    const report = ncStep({ permitted: [{ dns: 'shop.lab' }] }, { subject: { CN: 'x' }, sans: [{ dns: 'bank.lab' }] })
    expect(report).toMatchObject({ catchingStep: 'NC', code: 'NAME_NOT_PERMITTED' })
    expect(stepOf(report, 'NC').detail).toMatchObject({ name: 'DNS:bank.lab', issuer: 'O=mitmlab test, CN=Test Intermediate' })
  })

  it('checks a DNS-looking leaf CN only when the leaf has no DNS or IP SAN (a SAN makes the CN a label)', () => {
    const permitted: NameConstraintsSpec = { permitted: [{ dns: 'bank.lab' }] }
    expect(stepOf(ncStep(permitted, { subject: { CN: 'evil.example' }, sans: [{ dns: 'bank.lab' }] }), 'NC').status).toBe('pass')
    expect(stepOf(ncStep({ permitted: [{ dns: 'bank.lab' }, { ip: '127.0.0.0/8' }] }, { subject: { CN: 'evil.example' }, sans: [{ ip: '127.0.0.1' }] }, '127.0.0.1'), 'NC').status).toBe('pass')
  })

  it('compares a directoryName attribute by type as well as value (OU=Bank is not O=Bank)', () => {
    expect(ncStep({ permitted: [{ dn: { O: 'Bank' } }] }, { subject: { OU: 'Bank', CN: 'bank.lab' } }).code).toBe('NAME_NOT_PERMITTED')
  })

  it('checks URI SANs against URI subtrees (the host part, RFC 5280 §4.2.1.10)', () => {
    const permitted: NameConstraintsSpec = { permitted: [{ dns: 'bank.lab' }, { uri: 'bank.lab' }] }
    expect(stepOf(ncStep(permitted, { subject: { CN: 'x' }, sans: [{ dns: 'bank.lab' }, { uri: 'https://bank.lab/login' }] }), 'NC').status).toBe('pass')
    expect(ncStep(permitted, { subject: { CN: 'x' }, sans: [{ dns: 'bank.lab' }, { uri: 'https://evil.lab/login' }] }).code).toBe('NAME_NOT_PERMITTED')
  })

  it('does not treat a label suffix as a subdomain (evilbank.lab is not under bank.lab)', () => {
    expect(ncStep({ permitted: [{ dns: 'bank.lab' }] }, { subject: { CN: 'x' }, sans: [{ dns: 'evilbank.lab' }] }, 'evilbank.lab').code).toBe('NAME_NOT_PERMITTED')
  })

  it('fails NAME_EXCLUDED for a SAN in an excluded subtree', () => {
    expect(ncStep({ excluded: [{ dns: 'bank.lab' }] }, {}).code).toBe('NAME_EXCLUDED')
  })

  it('fails NAME_EXCLUDED for a wildcard that would cover an excluded host', () => {
    expect(ncStep({ excluded: [{ dns: 'secret.bank.lab' }] }, { subject: { CN: 'x' }, sans: [{ dns: '*.bank.lab' }] }, 'www.bank.lab').code).toBe('NAME_EXCLUDED')
  })

  it('fails NAME_NOT_PERMITTED for a name only in the leaf CN (no SAN)', () => {
    const report = ncStep({ permitted: [{ dns: 'shop.lab' }] }, { subject: { CN: 'bank.lab' }, sans: [] }, 'bank.lab')
    expect(stepOf(report, 'NC')).toMatchObject({ code: 'NAME_NOT_PERMITTED', detail: { name: 'DNS:bank.lab' } })
  })

  it('checks iPAddress SANs against IP subtrees', () => {
    expect(stepOf(ncStep({ permitted: [{ ip: '127.0.0.0/8' }] }, { subject: { CN: 'x' }, sans: [{ ip: '127.0.0.1' }] }, '127.0.0.1'), 'NC').status).toBe('pass')
    expect(ncStep({ permitted: [{ ip: '10.0.0.0/8' }] }, { subject: { CN: 'x' }, sans: [{ ip: '127.0.0.1' }] }, '127.0.0.1').code).toBe('NAME_NOT_PERMITTED')
    expect(ncStep({ excluded: [{ ip: '::1/128' }] }, { subject: { CN: 'x' }, sans: [{ ip: '::1' }] }, '::1').code).toBe('NAME_EXCLUDED')
  })

  it('checks the subject DN against directoryName subtrees', () => {
    expect(ncStep({ permitted: [{ dn: { O: 'Shop' } }] }, { subject: { O: 'Bank', CN: 'bank.lab' } }).code).toBe('NAME_NOT_PERMITTED')
    expect(stepOf(ncStep({ permitted: [{ dn: { O: 'Bank' } }] }, { subject: { O: 'Bank', CN: 'bank.lab' } }), 'NC').status).toBe('pass')
  })

  it('fails NAME_CONSTRAINTS_INVALID for a wildcard in a dNSName base', () => {
    expect(ncStep({ permitted: [{ dns: '*.bank.lab' }] }, {}).code).toBe('NAME_CONSTRAINTS_INVALID')
  })

  it('fails NAME_CONSTRAINTS_INVALID for name constraints in an end-entity certificate', () => {
    const root = makeRoot()
    const report = verifyChain([makeLeaf(root, { nameConstraints: { permitted: [{ dns: 'bank.lab' }] } })], [root])
    expect(report.code).toBe('NAME_CONSTRAINTS_INVALID')
  })

  it('fails NAME_CONSTRAINTS_INVALID for name constraints in a leaf that says cA FALSE outright', () => {
    const root = makeRoot()
    const leaf = makeLeaf(root, { basicConstraints: { ca: false }, nameConstraints: { permitted: [{ dns: 'bank.lab' }] } })
    expect(stepOf(verifyChain([leaf], [root]), 'NC')).toMatchObject({ status: 'fail', code: 'NAME_CONSTRAINTS_INVALID' })
  })

  it('accepts non-critical name constraints under webpki but not rfc5280', () => {
    const root = makeRoot()
    const intermediate = makeIntermediate(root, { nameConstraints: { permitted: [{ dns: 'lab' }], critical: false } })
    const chain = [makeLeaf(intermediate), intermediate]
    expect(stepOf(verifyChain(chain, [root]), 'NC').status).toBe('pass')
    expect(stepOf(verifyChain(chain, [root], { profile: 'rfc5280' }), 'NC').code).toBe('NAME_CONSTRAINTS_INVALID')
  })

  it('applies the anchor constraints too (a name-constrained lab root)', () => {
    const root = makeRoot({ nameConstraints: { permitted: [{ dns: 'shop.lab' }] } })
    expect(verifyChain([makeLeaf(root, { subject: { CN: 'x' } })], [root]).code).toBe('NAME_NOT_PERMITTED')
  })
})
