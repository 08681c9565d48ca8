import { describe, expect, it } from 'vitest'
import type { IssueCertificateParams } from '../../../../ca/index.js'
import { makeLeaf, makeRoot, stepOf, verifyChain } from '../support/make-chain.js'

function hostStep(leafParams: Partial<IssueCertificateParams>, expectedHost: string, options: { allowCommonNameFallback?: boolean } = {}) {
  const root = makeRoot()
  return stepOf(verifyChain([makeLeaf(root, leafParams)], [root], { expectedHost, ...options }), 'HOST')
}

describe('checkHostname', () => {
  it('passes HOST for an exact SAN dNSName, case-insensitively', () => {
    expect(hostStep({ sans: [{ dns: 'Bank.Lab' }] }, 'bank.LAB').status).toBe('pass')
  })

  it('fails HOSTNAME_MISMATCH for another host, naming both', () => {
    const step = hostStep({ sans: [{ dns: 'evil.lab' }] }, 'bank.lab')
    expect(step).toMatchObject({ code: 'HOSTNAME_MISMATCH', detail: { expected: 'bank.lab', presented: ['evil.lab'] } })
    expect(step.message).toBe('Certificate is for evil.lab, not bank.lab')
  })

  it('fails HOSTNAME_MISMATCH when only the CN matches', () => {
    expect(hostStep({ subject: { CN: 'bank.lab' }, sans: [{ dns: 'evil.lab' }] }, 'bank.lab').code).toBe('HOSTNAME_MISMATCH')
  })

  it('fails NO_SUBJECT_ALT_NAME when the name is only in the CN and the fallback is off', () => {
    expect(hostStep({ subject: { CN: 'bank.lab' }, sans: [] }, 'bank.lab').code).toBe('NO_SUBJECT_ALT_NAME')
  })

  it('passes HOST from the CN only with allowCommonNameFallback and no SAN', () => {
    expect(hostStep({ subject: { CN: 'bank.lab' }, sans: [] }, 'bank.lab', { allowCommonNameFallback: true }).status).toBe('pass')
  })

  it('ignores the CN even with allowCommonNameFallback when any DNS or IP SAN is present (RFC 6125 §6.4.4)', () => {
    expect(hostStep({ subject: { CN: 'bank.lab' }, sans: [{ ip: '127.0.0.1' }] }, 'bank.lab', { allowCommonNameFallback: true }).code).toBe('HOSTNAME_MISMATCH')
    expect(hostStep({ subject: { CN: 'bank.lab' }, sans: [{ dns: 'other.lab' }] }, 'bank.lab', { allowCommonNameFallback: true }).code).toBe('HOSTNAME_MISMATCH')
  })

  it('passes HOST for a wildcard standing for exactly one left-most label', () => {
    expect(hostStep({ sans: [{ dns: '*.bank.lab' }] }, 'www.bank.lab').status).toBe('pass')
    expect(hostStep({ sans: [{ dns: '*.bank.lab' }] }, 'a.b.bank.lab').code).toBe('HOSTNAME_MISMATCH')
    expect(hostStep({ sans: [{ dns: '*.bank.lab' }] }, 'bank.lab').code).toBe('HOSTNAME_MISMATCH')
  })

  it('fails HOSTNAME_MISMATCH for partial and non-left-most wildcards', () => {
    expect(hostStep({ sans: [{ dns: 'w*.bank.lab' }] }, 'www.bank.lab').code).toBe('HOSTNAME_MISMATCH')
    expect(hostStep({ sans: [{ dns: 'www.*.lab' }] }, 'www.bank.lab').code).toBe('HOSTNAME_MISMATCH')
  })

  it('fails HOSTNAME_MISMATCH for a wildcard over a public suffix', () => {
    expect(hostStep({ sans: [{ dns: '*.co.uk' }] }, 'bank.co.uk').code).toBe('HOSTNAME_MISMATCH')
    expect(hostStep({ sans: [{ dns: '*.github.io' }] }, 'bank.github.io').code).toBe('HOSTNAME_MISMATCH')
    expect(hostStep({ sans: [{ dns: '*.lab' }] }, 'bank.lab').code).toBe('HOSTNAME_MISMATCH')
  })

  it('fails HOSTNAME_MISMATCH for an embedded NUL (bank.lab\\0.evil.lab)', () => {
    expect(hostStep({ sans: [{ dns: 'bank.lab\u0000.evil.lab' }] }, 'bank.lab').code).toBe('HOSTNAME_MISMATCH')
  })

  it('accepts a trailing dot on the reference name (the absolute form the user typed)', () => {
    expect(hostStep({ sans: [{ dns: 'bank.lab' }] }, 'bank.lab.').status).toBe('pass')
  })

  // Issue 17 item 3: RFC 5280 §4.2.1.6 preferred name syntax has no trailing dot; curl, OpenSSL,
  // Python, wget, Chromium, `openssl verify -x509_strict` and rustls-webpki all refuse "bank.lab.".
  it('fails HOSTNAME_MISMATCH for a presented dNSName with a trailing dot', () => {
    const step = hostStep({ sans: [{ dns: 'bank.lab.' }] }, 'bank.lab')
    expect(step).toMatchObject({ status: 'fail', code: 'HOSTNAME_MISMATCH', detail: { expected: 'bank.lab', presented: ['bank.lab.'] } })
    expect(hostStep({ sans: [{ dns: 'bank.lab.' }] }, 'bank.lab.').code).toBe('HOSTNAME_MISMATCH')
    expect(hostStep({ sans: [{ dns: '*.bank.lab.' }] }, 'www.bank.lab').code).toBe('HOSTNAME_MISMATCH')
  })

  it('fails HOSTNAME_MISMATCH for a subject CN with a trailing dot under the legacy fallback', () => {
    expect(hostStep({ subject: { CN: 'bank.lab.' }, sans: [] }, 'bank.lab', { allowCommonNameFallback: true }).code).toBe('HOSTNAME_MISMATCH')
  })

  it('matches an IP host only against iPAddress SANs, never a dNSName', () => {
    expect(hostStep({ sans: [{ ip: '127.0.0.1' }] }, '127.0.0.1').status).toBe('pass')
    expect(hostStep({ sans: [{ ip: '::1' }] }, '0:0:0:0:0:0:0:1').status).toBe('pass')
    expect(hostStep({ sans: [{ ip: '::1' }] }, '[::1]').status).toBe('pass')
    expect(hostStep({ sans: [{ dns: '127.0.0.1' }] }, '127.0.0.1').code).toBe('HOSTNAME_MISMATCH')
    expect(hostStep({ sans: [{ ip: '127.0.0.2' }] }, '127.0.0.1')).toMatchObject({ code: 'HOSTNAME_MISMATCH', detail: { presented: ['127.0.0.2'] } })
  })

  it('compares an internationalized host in its A-label form', () => {
    expect(hostStep({ sans: [{ dns: 'xn--bcher-kva.lab' }] }, 'bücher.lab').status).toBe('pass')
  })

  it('fails INVALID_REFERENCE_NAME for a host that is neither a DNS name nor an IP', () => {
    expect(hostStep({}, 'bank lab').code).toBe('INVALID_REFERENCE_NAME')
  })
})
