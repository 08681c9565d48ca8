import { describe, expect, it } from 'vitest'
import { isValidDnsName, normalizeDnsName, toReferenceDnsName } from '../../../../server/verifier/names/dns-name.js'

describe('isValidDnsName (RFC 1034 §3.5 preferred name syntax, RFC 5280 §4.2.1.6)', () => {
  it.each<[string, boolean]>([
    ['a', true],
    ['bank.lab', true],
    ['xn--bnk-6cd.lab', true],
    ['a-b.lab', true],
    [`${'a'.repeat(63)}.lab`, true],
    [`${'a'.repeat(64)}.lab`, false],
    [`${'a.'.repeat(126)}a`, true],
    [`${'a.'.repeat(126)}ab`, false],
    ['', false],
    ['-a.lab', false],
    ['a-.lab', false],
    ['a..lab', false],
    ['bank.lab.', false],
    ['127.0.0.1', false],
    ['1.2.lab', true],
    ['under_score.lab', false],
    ['BANK.lab', false],
  ])('%s → %s', (name, valid) => {
    expect(isValidDnsName(name)).toBe(valid)
  })

  it('lets underscores through only when not strict (reference names)', () => {
    expect(isValidDnsName('_srv.bank.lab', false)).toBe(true)
    expect(isValidDnsName('_srv.bank.lab')).toBe(false)
  })
})

describe('normalizeDnsName and toReferenceDnsName', () => {
  it('lowercases and drops one trailing dot', () => {
    expect(normalizeDnsName('Bank.LAB.')).toBe('bank.lab')
    expect(normalizeDnsName('bank.lab..')).toBe('bank.lab.')
  })

  it('turns a U-label reference into its A-label form, and refuses what cannot be a name', () => {
    expect(toReferenceDnsName('bаnk.lab')).toBe('xn--bnk-6cd.lab')
    expect(toReferenceDnsName('Bank.Lab.')).toBe('bank.lab')
    expect(toReferenceDnsName('bank lab')).toBeNull()
    expect(toReferenceDnsName('')).toBeNull()
  })
})
