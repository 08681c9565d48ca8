import { describe, expect, it } from 'vitest'
import { ecKey, makeIntermediate, makeLeaf, makeRoot, stepOf, verifyChain } from './support/make-chain.js'

describe('buildPath (through verify)', () => {
  it('follows a cross-signed intermediate to the trusted root when another copy leads to an untrusted one', () => {
    const oldRoot = makeRoot({ subject: { CN: 'Old Root' } })
    const newRoot = makeRoot({ subject: { CN: 'New Root' } })
    const key = ecKey()
    const viaOld = makeIntermediate(oldRoot, { key })
    const viaNew = makeIntermediate(newRoot, { key })
    const report = verifyChain([makeLeaf(viaOld), viaOld, viaNew], [newRoot])
    expect(report.verdict).toBe('accept')
    expect(report.path.at(-1)?.subject).toBe('CN=New Root')
  })

  it('prefers a valid alternative over an expired copy of the same intermediate', () => {
    const root = makeRoot()
    const key = ecKey()
    const expired = makeIntermediate(root, { key, notAfter: new Date('2024-12-01T00:00:00Z') })
    const valid = makeIntermediate(root, { key })
    const report = verifyChain([makeLeaf(valid), expired, valid], [root])
    expect(report.verdict).toBe('accept')
    expect(report.rejectedCandidates).toEqual([
      expect.objectContaining({ step: 'DATES', code: 'CERT_EXPIRED' }),
    ])
  })

  it('ends a cycle of cross-signed intermediates with a failure, not a hang (RFC 4158 §5.2)', () => {
    const root = makeRoot()
    const keyA = ecKey()
    const keyB = ecKey()
    const a0 = makeIntermediate(root, { subject: { CN: 'A' }, key: keyA })
    const b = makeIntermediate(a0, { subject: { CN: 'B' }, key: keyB })
    const a = makeIntermediate(b, { subject: { CN: 'A' }, key: keyA })
    const report = verifyChain([makeLeaf(a), a, b], [makeRoot({ subject: { CN: 'Unrelated' } })])
    expect(report).toMatchObject({ verdict: 'reject', catchingStep: 'TRUST' })
    expect(['UNKNOWN_ISSUER', 'UNTRUSTED_ROOT']).toContain(report.code)
  })

  it('fails PATH_BUDGET_EXCEEDED on a pathological mesh of same-named intermediates', () => {
    // Every key signs every other under one name: 36 valid edges, 6! paths (limbo pathological-chain-same-subject-distinct-key).
    const keys = Array.from({ length: 6 }, () => ecKey())
    const seed = makeRoot({ subject: { CN: 'Mesh' } })
    const mesh = keys.flatMap((key) => keys.map((issuerKey) => makeIntermediate({ ...seed, key: issuerKey }, { subject: { CN: 'Mesh' }, key })))
    const report = verifyChain([makeLeaf(mesh[0]), ...mesh], [makeRoot({ subject: { CN: 'Unrelated' } })])
    expect(report).toMatchObject({ verdict: 'reject', catchingStep: 'TRUST', code: 'PATH_BUDGET_EXCEEDED' })
  })

  it('fails MAX_DEPTH_EXCEEDED beyond the allowed number of intermediates', () => {
    const root = makeRoot()
    const chain = [makeIntermediate(root, { subject: { CN: 'I0' } })]
    for (let i = 1; i < 3; i++) chain.push(makeIntermediate(chain[i - 1] ?? root, { subject: { CN: `I${i}` } }))
    const leaf = makeLeaf(chain.at(-1))
    expect(verifyChain([leaf, ...chain], [root]).verdict).toBe('accept')
    expect(verifyChain([leaf, ...chain], [root], { maxIntermediates: 2 })).toMatchObject({ catchingStep: 'TRUST', code: 'MAX_DEPTH_EXCEEDED' })
  })

  it('by default allows six intermediates between leaf and anchor and refuses seven (rustls-webpki MAX_SUB_CA_COUNT)', () => {
    const root = makeRoot()
    const chain = [makeIntermediate(root, { subject: { CN: 'I0' } })]
    for (let i = 1; i < 7; i++) chain.push(makeIntermediate(chain[i - 1] ?? root, { subject: { CN: `I${i}` } }))
    const six = chain.slice(0, 6)
    expect(verifyChain([makeLeaf(six.at(-1)), ...six], [root])).toMatchObject({ verdict: 'accept', code: null })
    expect(verifyChain([makeLeaf(chain.at(-1)), ...chain], [root])).toMatchObject({ verdict: 'reject', catchingStep: 'TRUST', code: 'MAX_DEPTH_EXCEEDED' })
  })

  it('spends exactly 100 signature checks (rustls-webpki Budget::signatures), and an edge already checked costs none', () => {
    // L is issued by M; two copies of M (same name and key): M1 expired, M2 valid, both issued by X, which the
    // anchor R issued. Path 1 (L, M1, X, R) reaches R and is rejected (DATES); then `decoys` certificates named X
    // with other keys each cost one check as M1's issuer. Path 2 (L, M2, X, R) needs two new checks, and X -> R
    // was checked on path 1: with 95 decoys the 100th check is M2 -> X and X -> R is free, so it is accepted;
    // with 96 the budget is spent before M2 -> X and path 2 is never reached.
    const root = makeRoot({ subject: { CN: 'R' } })
    const x = makeIntermediate(root, { subject: { CN: 'X' } })
    const key = ecKey()
    const m1 = makeIntermediate(x, { subject: { CN: 'M' }, key, notAfter: new Date('2024-12-01T00:00:00Z') })
    const m2 = makeIntermediate(x, { subject: { CN: 'M' }, key })
    const leaf = makeLeaf(m2)
    const decoys = Array.from({ length: 96 }, () => makeIntermediate(root, { subject: { CN: 'X' } }))
    expect(verifyChain([leaf, m1, m2, x, ...decoys.slice(0, 95)], [root])).toMatchObject({ verdict: 'accept', code: null })
    // Out of budget, the best rejection found so far is reported: path 1's expired M.
    expect(verifyChain([leaf, m1, m2, x, ...decoys], [root])).toMatchObject({ verdict: 'reject', catchingStep: 'DATES', code: 'CERT_EXPIRED' })
  })

  it('reports the path that reaches an anchor over a dead end with a bad signature', () => {
    const root = makeRoot()
    const intermediate = makeIntermediate(root)
    const impostor = makeIntermediate(makeRoot({ subject: { CN: 'Elsewhere' } })) // same name, other key
    const leaf = makeLeaf(intermediate, { sans: [{ dns: 'other.lab' }] })
    const report = verifyChain([leaf, impostor, intermediate], [root])
    expect(report).toMatchObject({ catchingStep: 'HOST', code: 'HOSTNAME_MISMATCH' })
    expect(stepOf(report, 'SIG').status).toBe('pass')
  })
})
