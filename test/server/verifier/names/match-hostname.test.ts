import { describe, expect, it } from 'vitest'
import { dnsNameMatches, presentedDnsNameProblem } from '../../../../server/verifier/names/match-hostname.js'

// The reasons a presented dNSName is refused are shown to a trainee in HOST's detail, so each is
// pinned to its words; the end-to-end HOST verdicts are in checks/check-hostname.test.ts.
describe('presentedDnsNameProblem', () => {
  it.each([
    ['bank.lab', null],
    ['*.bank.lab', null],
    ['bank.lab.', 'trailing dot (not the preferred name syntax)'],
    ['bank.lab\u0000.evil.lab', 'non-ASCII, control or NUL bytes'],
    ['bänk.lab', 'non-ASCII, control or NUL bytes'],
    // RFC 1034 §3.5: no empty label and no label starting with a hyphen, also after a wildcard.
    ['*.bank..lab', 'invalid name after the wildcard'],
    ['*.-bank.lab', 'invalid name after the wildcard'],
    ['*.*.bank.lab', 'invalid name after the wildcard'],
    ['*.co.uk', 'wildcard over a public suffix'],
    ['*.github.io', 'wildcard over a public suffix'],
    ['*.lab', 'wildcard over a public suffix'],
    ['w*.bank.lab', 'wildcard not as the whole left-most label'],
    ['www.*.lab', 'wildcard not as the whole left-most label'],
    ['bank..lab', 'not a valid DNS name'],
  ])('%j → %j', (presented, problem) => {
    expect(presentedDnsNameProblem(presented)).toBe(problem)
  })
})

describe('dnsNameMatches', () => {
  it('never matches through a wildcard whose remainder is not a valid name, even when the labels line up', () => {
    expect(dnsNameMatches('*.bank..lab', 'www.bank..lab')).toBe(false)
    expect(dnsNameMatches('*.-bank.lab', 'www.-bank.lab')).toBe(false)
  })

  it('matches a wildcard for exactly one left-most label, case-insensitively on the presented side', () => {
    expect(dnsNameMatches('*.Bank.Lab', 'www.bank.lab')).toBe(true)
    expect(dnsNameMatches('*.bank.lab', 'a.b.bank.lab')).toBe(false)
    expect(dnsNameMatches('*.bank.lab', '.bank.lab')).toBe(false)
  })
})
