import { describe, expect, it } from 'vitest'
import { spkiSha256Base64 } from '../../../../server/x509/index.js'
import { makeChain, stepOf, verifyChain } from '../support/make-chain.js'

describe('checkPin', () => {
  it('skips PIN with NOT_CONFIGURED when no pins are set', () => {
    const { root, intermediate, leaf } = makeChain()
    expect(stepOf(verifyChain([leaf, intermediate], [root]), 'PIN')).toMatchObject({ status: 'skip', code: 'NOT_CONFIGURED' })
  })

  it('passes PIN when the intermediate key is pinned', () => {
    const { root, intermediate, leaf } = makeChain()
    const report = verifyChain([leaf, intermediate], [root], { pins: [spkiSha256Base64(intermediate.key.spkiDer)] })
    expect(stepOf(report, 'PIN')).toMatchObject({ status: 'pass', detail: { pin: spkiSha256Base64(intermediate.key.spkiDer) } })
  })

  it('fails PIN_MISMATCH for a chain the proxy re-issued with its own keys', () => {
    const genuine = makeChain()
    const forged = makeChain()
    const report = verifyChain([forged.leaf, forged.intermediate], [forged.root], { pins: [spkiSha256Base64(genuine.leaf.key.spkiDer)] })
    expect(report).toMatchObject({ verdict: 'reject', catchingStep: 'PIN', code: 'PIN_MISMATCH' })
    expect(stepOf(report, 'PIN').detail?.presented).toHaveLength(3)
  })
})
