import { describe, expect, it } from 'vitest'
import { familiesOf, gradeClient } from '../../../server/report/client-grade.js'

describe('gradeClient: SSL Labs style, the lowest cap wins and names its reason', () => {
  it('gives A to a client with no false accept and no false reject', () => {
    expect(gradeClient({ falseAcceptSteps: [], falseRejects: 0, exercisedAttacks: 12 })).toEqual({
      grade: 'A',
      caps: [],
      reason: 'refuses every attack a check can catch and accepts every control',
    })
  })

  it('gives no grade when no attack reached the client (all not exercised or errors)', () => {
    expect(gradeClient({ falseAcceptSteps: [], falseRejects: 0, exercisedAttacks: 0 })).toMatchObject({ grade: null, reason: 'not graded: no attack reached this client' })
  })

  it('caps at F for a hostname false accept, whatever else it does right', () => {
    const grade = gradeClient({ falseAcceptSteps: ['HOST', 'HOST'], falseRejects: 0, exercisedAttacks: 20 })
    expect(grade.grade).toBe('F')
    expect(grade.reason).toBe('capped at F: accepts certificates for another name: any site owner can impersonate the bank (2 attacks caught by HOST)')
  })

  it('caps at C for chain-structure mistakes and at B for revocation, the lower cap first', () => {
    const grade = gradeClient({ falseAcceptSteps: ['REV', 'BC'], falseRejects: 0, exercisedAttacks: 20 })
    expect(grade.grade).toBe('C')
    expect(grade.caps.map((cap) => cap.grade)).toEqual(['C', 'B'])
    expect(grade.reason).toMatch(/^capped at C: accepts a chain whose issuer is not a CA/)
  })

  it('caps at B for false rejects alone', () => {
    expect(gradeClient({ falseAcceptSteps: [], falseRejects: 2, exercisedAttacks: 5 })).toMatchObject({
      grade: 'B',
      reason: 'capped at B: refuses 2 valid connections (false rejects teach users to click through)',
    })
  })

  it('keeps B when at most half the controls are refused (2 of 24, and 12 of 24)', () => {
    expect(gradeClient({ falseAcceptSteps: [], falseRejects: 2, controls: 24, exercisedAttacks: 100 }).grade).toBe('B')
    expect(gradeClient({ falseAcceptSteps: [], falseRejects: 12, controls: 24, exercisedAttacks: 100 }).grade).toBe('B')
  })

  it('gives F to a client refusing most valid sites, whatever attacks it refuses (botan 2.19: 22 of 24)', () => {
    expect(gradeClient({ falseAcceptSteps: [], falseRejects: 22, controls: 24, exercisedAttacks: 99 })).toMatchObject({
      grade: 'F',
      reason: 'capped at F: refuses 22 of 24 valid connections: unusable as shipped, so its refusals of attacks say little',
    })
    expect(gradeClient({ falseAcceptSteps: [], falseRejects: 13, controls: 24, exercisedAttacks: 99 }).grade).toBe('F')
  })

  it('gives D to a client falling for three families, none of them an F', () => {
    const grade = gradeClient({ falseAcceptSteps: ['REV', 'ALG', 'PROTO'], falseRejects: 0, exercisedAttacks: 30 })
    expect(grade.grade).toBe('D')
    expect(grade.reason).toBe('capped at D: falls for attacks in 3 different families: revocation, weak algorithms, protocol downgrade')
  })

  it('never blames the client for the server-side fingerprint step', () => {
    expect(gradeClient({ falseAcceptSteps: ['FP'], falseRejects: 0, exercisedAttacks: 3 }).grade).toBe('A')
    expect(familiesOf(['FP', 'HOST', 'HOST', 'EKU', 'KU'])).toEqual(['hostname', 'key usage'])
  })

  it('reads a chain merely too long for the path-building budget as its own family, not an untrusted issuer', () => {
    const grade = gradeClient({ falseAcceptSteps: ['TRUST', 'TRUST'], falseAcceptCodes: ['MAX_DEPTH_EXCEEDED', 'UNKNOWN_ISSUER'], falseRejects: 0, exercisedAttacks: 9 })
    expect(grade.caps.map((cap) => cap.grade)).toEqual(['F', 'B'])
    expect(familiesOf(['TRUST'], ['MAX_DEPTH_EXCEEDED'])).toEqual(['path-building limits'])
    expect(gradeClient({ falseAcceptSteps: ['TRUST'], falseAcceptCodes: ['MAX_DEPTH_EXCEEDED'], falseRejects: 0, exercisedAttacks: 9 })).toMatchObject({
      grade: 'B',
      reason: 'capped at B: builds chains deeper than a verifier should bound its work (RFC 4158 §5) (1 attack caught by TRUST)',
    })
  })

  it('caps a CN-only certificate for the right name at C, not with the impersonation F', () => {
    expect(gradeClient({ falseAcceptSteps: ['HOST'], falseAcceptCodes: ['NO_SUBJECT_ALT_NAME'], falseRejects: 0, exercisedAttacks: 9 }).grade).toBe('C')
    expect(gradeClient({ falseAcceptSteps: ['HOST'], falseAcceptCodes: ['HOSTNAME_MISMATCH'], falseRejects: 0, exercisedAttacks: 9 }).grade).toBe('F')
  })
})
