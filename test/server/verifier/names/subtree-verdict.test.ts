import { describe, expect, it } from 'vitest'
import { subtreeVerdict } from '../../../../server/verifier/names/subtree-verdict.js'
import type { GeneralName, NameConstraintsInfo } from '../../../../server/x509/types.js'

const constraints = (permitted: GeneralName[] | null, excluded: GeneralName[] | null = null): NameConstraintsInfo => ({ permitted, excluded, critical: true })

// RFC 5280 §4.2.1.10: constraints apply per name form; a name of a constrained form the verifier
// cannot compare (otherName [0], x400Address [3], ediPartyName [5], registeredID [8]) must be
// refused, but a name of a form the CA did not constrain is not affected.
describe('subtreeVerdict for the forms the verifier cannot compare', () => {
  it('refuses an otherName as uncheckable when the CA constrains otherNames', () => {
    expect(subtreeVerdict({ type: 'other', tag: 0 }, constraints([{ type: 'other', tag: 0 }]))).toEqual({ kind: 'uncheckable', constraint: 'other' })
    expect(subtreeVerdict({ type: 'other', tag: 0 }, constraints(null, [{ type: 'other', tag: 0 }]))).toEqual({ kind: 'uncheckable', constraint: 'other' })
  })

  it('leaves an otherName alone when the CA constrains a different form (registeredID [8])', () => {
    expect(subtreeVerdict({ type: 'other', tag: 0 }, constraints([{ type: 'other', tag: 8 }]))).toEqual({ kind: 'ok' })
    expect(subtreeVerdict({ type: 'other', tag: 8 }, constraints(null, [{ type: 'other', tag: 0 }]))).toEqual({ kind: 'ok' })
  })

  it('leaves a dNSName alone when only otherNames are constrained, and judges it against a DNS subtree', () => {
    expect(subtreeVerdict({ type: 'dns', value: 'bank.lab' }, constraints([{ type: 'other', tag: 0 }]))).toEqual({ kind: 'ok' })
    expect(subtreeVerdict({ type: 'dns', value: 'bank.lab' }, constraints([{ type: 'dns', value: 'evil.lab' }]))).toEqual({ kind: 'not-permitted', constraint: 'dns "evil.lab"' })
  })

  it('names a directoryName constraint by its form, and an IP one by its bytes, in the verdict', () => {
    const dn = (o: string): GeneralName => ({ type: 'dn', der: new Uint8Array(0), name: [[{ oid: '2.5.4.10', value: o, valueTag: 12 }]] })
    expect(subtreeVerdict(dn('Bank Lab'), constraints([dn('Other Org')]))).toEqual({ kind: 'not-permitted', constraint: 'dn' })
    expect(subtreeVerdict(dn('Bank Lab'), constraints(null, [dn('Bank Lab')]))).toEqual({ kind: 'excluded', constraint: 'dn' })
    const ip = (bytes: number[]): GeneralName => ({ type: 'ip', bytes: Uint8Array.from(bytes) })
    expect(subtreeVerdict(ip([10, 0, 0, 1]), constraints([ip([192, 168, 0, 0, 255, 255, 0, 0])]))).toEqual({ kind: 'not-permitted', constraint: 'IP c0a80000ffff0000' })
  })
})
