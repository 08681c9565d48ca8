import { describe, expect, it } from 'vitest'
import { makeChain, makeIntermediate, makeLeaf, makeRoot, stepOf, verifyChain, NOW } from '../support/make-chain.js'
import { makeCrl } from '../support/make-crl.js'

const thisUpdate = new Date(NOW.getTime() - 86_400_000)
const nextUpdate = new Date(NOW.getTime() + 86_400_000)

describe('checkRevocation', () => {
  it('skips REV with NOT_CONFIGURED when no CRL is given', () => {
    const { root, intermediate, leaf } = makeChain()
    expect(stepOf(verifyChain([leaf, intermediate], [root]), 'REV')).toMatchObject({ status: 'skip', code: 'NOT_CONFIGURED' })
  })

  it('fails CERT_REVOKED when the leaf serial is on its issuer CRL, caught by REV', () => {
    const { root, intermediate, leaf } = makeChain()
    const crl = makeCrl({ issuer: intermediate, revoked: [leaf], thisUpdate, nextUpdate })
    const report = verifyChain([leaf, intermediate], [root], { crls: [crl] })
    expect(report).toMatchObject({ catchingStep: 'REV', code: 'CERT_REVOKED' })
    expect(stepOf(report, 'REV').detail).toMatchObject({ subject: 'CN=bank.lab', serial: leaf.serialNumber })
  })

  it('passes REV when the CRL lists other serials', () => {
    const { root, intermediate, leaf } = makeChain()
    const crl = makeCrl({ issuer: intermediate, revoked: [makeIntermediate(root)], thisUpdate, nextUpdate })
    expect(verifyChain([leaf, intermediate], [root], { crls: [crl] }).verdict).toBe('accept')
  })

  it('ignores a CRL with the right name signed by another key', () => {
    const { root, intermediate, leaf } = makeChain()
    const impostor = makeIntermediate(makeRoot())
    const crl = makeCrl({ issuer: impostor, revoked: [leaf], thisUpdate, nextUpdate })
    expect(stepOf(verifyChain([leaf, intermediate], [root], { crls: [crl] }), 'REV').status).toBe('pass')
  })

  it('fails CRL_INVALID for an out-of-date CRL', () => {
    const { root, intermediate, leaf } = makeChain()
    const crl = makeCrl({ issuer: intermediate, thisUpdate: new Date('2024-11-01T00:00:00Z'), nextUpdate: new Date('2024-12-01T00:00:00Z') })
    expect(stepOf(verifyChain([leaf, intermediate], [root], { crls: [crl] }), 'REV')).toMatchObject({ code: 'CRL_INVALID', detail: { reason: 'the CRL is out of date' } })
  })

  it('uses a CRL from the instant of its thisUpdate until the instant of its nextUpdate, and not a millisecond outside (RFC 5280 §6.3.3)', () => {
    const { root, intermediate, leaf } = makeChain()
    const reason = (crlThisUpdate: Date, crlNextUpdate: Date): unknown => {
      const crl = makeCrl({ issuer: intermediate, thisUpdate: crlThisUpdate, nextUpdate: crlNextUpdate })
      const rev = stepOf(verifyChain([leaf, intermediate], [root], { crls: [crl] }), 'REV')
      return rev.status === 'pass' ? 'usable' : rev.detail?.['reason']
    }
    const second = 1_000
    expect(reason(NOW, nextUpdate)).toBe('usable')
    expect(reason(new Date(NOW.getTime() + second), nextUpdate)).toBe('the CRL is not valid yet')
    expect(reason(thisUpdate, NOW)).toBe('usable')
    expect(reason(thisUpdate, new Date(NOW.getTime() - second))).toBe('the CRL is out of date')
  })

  it('fails CRL_INVALID when the issuer key usage lacks cRLSign', () => {
    const root = makeRoot()
    const intermediate = makeIntermediate(root, { keyUsage: ['keyCertSign'] })
    const leaf = makeLeaf(intermediate)
    const crl = makeCrl({ issuer: intermediate, thisUpdate, nextUpdate })
    expect(stepOf(verifyChain([leaf, intermediate], [root], { crls: [crl] }), 'REV').code).toBe('CRL_INVALID')
  })

  it('fails CRL_INVALID for a CRL without a CRL number (RFC 5280 §5.2.3)', () => {
    const { root, intermediate, leaf } = makeChain()
    const crl = makeCrl({ issuer: intermediate, thisUpdate, nextUpdate, withCrlNumber: false })
    expect(stepOf(verifyChain([leaf, intermediate], [root], { crls: [crl] }), 'REV').code).toBe('CRL_INVALID')
  })

  it('fails CRL_INVALID for a CRL whose CRL number is marked critical (RFC 5280 §5.2.3), and says so', () => {
    const { root, intermediate, leaf } = makeChain()
    const crl = makeCrl({ issuer: intermediate, thisUpdate, nextUpdate, crlNumberCritical: true })
    const step = stepOf(verifyChain([leaf, intermediate], [root], { crls: [crl] }), 'REV')
    expect(step.code).toBe('CRL_INVALID')
    expect(JSON.stringify(step.detail)).toContain('the CRL number is marked critical')
  })

  it('fails CRL_INVALID for a CRL that is not DER', () => {
    const { root, intermediate, leaf } = makeChain()
    expect(stepOf(verifyChain([leaf, intermediate], [root], { crls: [Uint8Array.from([1, 2, 3])] }), 'REV').code).toBe('CRL_INVALID')
  })
})

