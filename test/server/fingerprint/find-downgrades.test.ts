import { describe, expect, it } from 'vitest'
import { findDowngrades } from '../../../server/fingerprint/find-downgrades.js'
import { buildHello } from './build-hello.js'

describe('findDowngrades', () => {
  const client = buildHello({ ciphers: [0x1301, 0xc02f, 0x00ff], extensions: [0x000a, 0x000d, 0x0017, 0x002b] })

  it('flags EXTENDED_MASTER_SECRET_DROPPED and RENEGOTIATION_PROTECTION_DROPPED (RFC 7627, RFC 5746)', () => {
    const upstream = buildHello({ ciphers: [0x1301, 0xc02f], extensions: [0x000a, 0x000d, 0x002b] })
    expect(findDowngrades(client, upstream).map((d) => d.code)).toEqual(['EXTENDED_MASTER_SECRET_DROPPED', 'RENEGOTIATION_PROTECTION_DROPPED'])
  })

  it('flags STATIC_RSA_CIPHERS_ADDED and WEAK_CIPHERS_ADDED separately', () => {
    const upstream = buildHello({ ciphers: [0x1301, 0xc02f, 0x002f, 0x000a, 0x0005, 0x00ff], extensions: [0x000a, 0x000d, 0x0017, 0x002b] })
    expect(findDowngrades(client, upstream)).toEqual([
      { code: 'WEAK_CIPHERS_ADDED', expected: [], actual: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_RSA_WITH_RC4_128_SHA'] },
      { code: 'STATIC_RSA_CIPHERS_ADDED', expected: [], actual: ['TLS_RSA_WITH_AES_128_CBC_SHA'] },
    ])
  })

  it('finds nothing when the upstream hello is stronger', () => {
    const upstream = buildHello({ ciphers: [0x1301, 0x00ff], extensions: [0x000a, 0x000d, 0x0017, 0x002b], versions: [0x0304] })
    expect(findDowngrades(client, upstream)).toEqual([])
  })
})
