import { describe, expect, it } from 'vitest'
import { makeIntermediate, makeLeaf, makeRoot, stepOf, verifyChain } from '../support/make-chain.js'

describe('checkPathLength', () => {
  it('fails PATH_LEN_EXCEEDED when a pathLen 0 CA has an intermediate below it', () => {
    const root = makeRoot()
    const constrained = makeIntermediate(root, { subject: { CN: 'pathLen 0' }, basicConstraints: { ca: true, pathLen: 0 } })
    const below = makeIntermediate(constrained, { subject: { CN: 'Below' } })
    const report = verifyChain([makeLeaf(below), below, constrained], [root])
    expect(report).toMatchObject({ catchingStep: 'PATHLEN', code: 'PATH_LEN_EXCEEDED' })
    expect(stepOf(report, 'PATHLEN').detail).toEqual({ subject: 'CN=pathLen 0', pathLen: 0, below: 1 })
  })

  it('passes PATHLEN when pathLen 0 CA issues the leaf directly (the leaf does not count)', () => {
    const root = makeRoot({ basicConstraints: { ca: true, pathLen: 0 } })
    expect(stepOf(verifyChain([makeLeaf(root)], [root]), 'PATHLEN').status).toBe('pass')
  })

  it('applies the root pathLen too', () => {
    const root = makeRoot({ basicConstraints: { ca: true, pathLen: 0 } })
    const intermediate = makeIntermediate(root)
    expect(verifyChain([makeLeaf(intermediate), intermediate], [root]).code).toBe('PATH_LEN_EXCEEDED')
  })
})
