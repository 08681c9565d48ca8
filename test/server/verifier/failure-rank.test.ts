import { describe, expect, it } from 'vitest'
import { FAILURE_RANK, FAILURE_STEP, type FailureCode } from '../../../server/verifier/codes.js'

describe('FAILURE_RANK', () => {
  const codes = Object.keys(FAILURE_STEP) as FailureCode[]
  const rank = (code: FailureCode): number => FAILURE_RANK[code]

  it('ranks every code once, with no two codes tied (a tie would make the reported path depend on search order)', () => {
    expect(Object.keys(FAILURE_RANK).sort()).toEqual([...codes].sort())
    expect(new Set(codes.map(rank)).size).toBe(codes.length)
  })

  it('ranks the fatal path budget above everything, and the "no issuer found" dead ends below every definite defect', () => {
    const deadEnds: FailureCode[] = ['MAX_DEPTH_EXCEEDED', 'SELF_SIGNED_LEAF', 'UNTRUSTED_ROOT', 'UNKNOWN_ISSUER']
    const others = codes.filter((code) => !deadEnds.includes(code))
    expect(Math.max(...codes.map(rank))).toBe(rank('PATH_BUDGET_EXCEEDED'))
    expect(Math.max(...deadEnds.map(rank))).toBeLessThan(Math.min(...others.map(rank)))
    // Among dead ends, the most informative one wins: a depth limit, then a self-signed leaf, then an untrusted root.
    expect(deadEnds.map(rank)).toEqual([...deadEnds.map(rank)].sort((a, b) => b - a))
  })

  it('ranks a broken signature above dates, dates above the name, as webpki does', () => {
    expect(rank('BAD_SIGNATURE')).toBeGreaterThan(rank('CERT_EXPIRED'))
    expect(rank('CERT_EXPIRED')).toBeGreaterThan(rank('HOSTNAME_MISMATCH'))
    expect(rank('HOSTNAME_MISMATCH')).toBeGreaterThan(rank('CA_USED_AS_END_ENTITY'))
    expect(rank('CERT_REVOKED')).toBeGreaterThan(rank('PIN_MISMATCH'))
  })
})
