import { describe, expect, it } from 'vitest'
import { DOWNGRADE_TLS11, DOWNGRADE_TLS12, checkDowngradeSentinel } from '../../../../server/tls/handshake/downgrade-sentinel.js'

const randomWith = (tail: Buffer): Buffer => Buffer.concat([Buffer.alloc(24, 0x5a), tail])
const TLS13 = 0x0304
const TLS12 = 0x0303
const TLS11 = 0x0302

describe('checkDowngradeSentinel (RFC 8446 §4.1.3)', () => {
  it('detects DOWNGRD\\x01 when a TLS 1.3 client negotiated TLS 1.2', () => {
    expect(checkDowngradeSentinel(randomWith(DOWNGRADE_TLS12), TLS12, TLS13)).toEqual({ downgradeDetected: true, sentinel: 'TLS12' })
  })

  it('detects DOWNGRD\\x00 when a TLS 1.3 client negotiated TLS 1.1', () => {
    expect(checkDowngradeSentinel(randomWith(DOWNGRADE_TLS11), TLS11, TLS13)).toEqual({ downgradeDetected: true, sentinel: 'TLS11_OR_BELOW' })
  })

  it('does not flag DOWNGRD\\x01 for a client whose maximum is TLS 1.2', () => {
    expect(checkDowngradeSentinel(randomWith(DOWNGRADE_TLS12), TLS12, TLS12)).toEqual({ downgradeDetected: false, sentinel: 'TLS12' })
  })

  it('flags DOWNGRD\\x00 for a TLS 1.2 client that negotiated TLS 1.1', () => {
    expect(checkDowngradeSentinel(randomWith(DOWNGRADE_TLS11), TLS11, TLS12).downgradeDetected).toBe(true)
  })

  it('ignores the sentinel bytes when TLS 1.3 itself was negotiated', () => {
    expect(checkDowngradeSentinel(randomWith(DOWNGRADE_TLS12), TLS13, TLS13).downgradeDetected).toBe(false)
  })

  it('finds nothing in an ordinary random', () => {
    expect(checkDowngradeSentinel(Buffer.alloc(32, 7), TLS12, TLS13)).toEqual({ downgradeDetected: false, sentinel: 'none' })
  })

  it('reads no sentinel out of a random that is not 32 bytes, even when it ends in one', () => {
    expect(checkDowngradeSentinel(Buffer.concat([Buffer.alloc(25, 0x5a), DOWNGRADE_TLS12]), TLS12, TLS13)).toEqual({ downgradeDetected: false, sentinel: 'none' })
    expect(checkDowngradeSentinel(DOWNGRADE_TLS12, TLS12, TLS13)).toEqual({ downgradeDetected: false, sentinel: 'none' })
  })
})
