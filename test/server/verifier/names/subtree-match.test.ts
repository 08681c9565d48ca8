import { describe, expect, it } from 'vitest'
import { dnsMayOverlapSubtree, dnsWithinSubtree, emailWithinSubtree, ipWithinSubtree, isValidIpBase } from '../../../../server/verifier/names/subtree-match.js'

describe('name constraint subtree matching (RFC 5280 §4.2.1.10)', () => {
  it('puts a DNS name within its own subtree and its subdomains, not label suffixes', () => {
    expect(dnsWithinSubtree('bank.lab', 'bank.lab')).toBe(true)
    expect(dnsWithinSubtree('www.Bank.lab', 'bank.LAB')).toBe(true)
    expect(dnsWithinSubtree('evilbank.lab', 'bank.lab')).toBe(false)
    expect(dnsWithinSubtree('anything.example', '')).toBe(true)
  })

  it('lets a wildcard collide with an excluded host one label below', () => {
    expect(dnsMayOverlapSubtree('*.bank.lab', 'secret.bank.lab')).toBe(true)
    expect(dnsMayOverlapSubtree('*.bank.lab', 'a.secret.bank.lab')).toBe(false)
  })

  it('matches IP addresses under the base mask, same family only', () => {
    const base = Uint8Array.from([10, 0, 0, 0, 255, 0, 0, 0])
    expect(ipWithinSubtree(Uint8Array.from([10, 1, 2, 3]), base)).toBe(true)
    expect(ipWithinSubtree(Uint8Array.from([11, 1, 2, 3]), base)).toBe(false)
    expect(ipWithinSubtree(new Uint8Array(16), base)).toBe(false)
  })

  it('accepts only contiguous masks of 8 or 32 bytes', () => {
    expect(isValidIpBase(Uint8Array.from([10, 0, 0, 0, 255, 255, 0, 0]))).toBe(true)
    expect(isValidIpBase(Uint8Array.from([10, 0, 0, 0, 255, 0, 255, 0]))).toBe(false)
    expect(isValidIpBase(Uint8Array.from([10, 0, 0, 0]))).toBe(false)
  })

  it('matches email mailboxes, hosts and .domains', () => {
    expect(emailWithinSubtree('ops@bank.lab', 'ops@bank.lab')).toBe(true)
    expect(emailWithinSubtree('ops@bank.lab', 'bank.lab')).toBe(true)
    expect(emailWithinSubtree('ops@mail.bank.lab', 'bank.lab')).toBe(false)
    expect(emailWithinSubtree('ops@mail.bank.lab', '.bank.lab')).toBe(true)
  })

  it('finds a wildcard overlapping an excluded name whose first label is one character', () => {
    expect(dnsMayOverlapSubtree('*.bank.lab', 'x.bank.lab')).toBe(true)
  })

  it('a mailbox base needs both the local part and the host: the same local part at another host is outside', () => {
    expect(emailWithinSubtree('ops@evil.lab', 'ops@bank.lab')).toBe(false)
    expect(emailWithinSubtree('dev@bank.lab', 'ops@bank.lab')).toBe(false)
    // RFC 5280 §4.2.1.10: the host part compares case-insensitively, the local part exactly.
    expect(emailWithinSubtree('ops@BANK.lab', 'ops@bank.LAB')).toBe(true)
    expect(emailWithinSubtree('Ops@bank.lab', 'ops@bank.lab')).toBe(false)
  })
})
