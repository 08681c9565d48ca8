import { describe, expect, it } from 'vitest'
import { compareHellos } from '../../../server/fingerprint/compare-hellos.js'
import { buildHello } from './build-hello.js'

const base = { ciphers: [0x1302, 0x1301, 0xc02f], extensions: [0x0000, 0x000a, 0x000d, 0x0017, 0x002b], groups: [0x001d, 0x0017] }

describe('compareHellos', () => {
  it('finds nothing between two hellos of the same client', () => {
    expect(compareHellos(buildHello(base), buildHello(base))).toEqual([])
  })

  it('reports a reordering as cipherSuiteOrder, not as cipherSuites', () => {
    const diff = compareHellos(buildHello(base), buildHello({ ...base, ciphers: [0x1301, 0x1302, 0xc02f] }))
    expect(diff).toEqual([
      {
        field: 'cipherSuiteOrder',
        expected: ['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
        actual: ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
      },
    ])
  })

  it('reports missing and extra groups by name', () => {
    const diff = compareHellos(buildHello(base), buildHello({ ...base, groups: [0x001d, 0x0018] }))
    expect(diff).toEqual([expect.objectContaining({ field: 'supportedGroups', missing: ['secp256r1'], extra: ['secp384r1'] })])
  })

  it('ignores GREASE values but reports that only one side sends GREASE', () => {
    const greased = buildHello({ ...base, ciphers: [0x0a0a, ...base.ciphers], extensions: [0x1a1a, ...base.extensions] })
    expect(compareHellos(buildHello(base), greased)).toEqual([{ field: 'grease', expected: [], actual: ['cipherSuites', 'extensions'] }])
  })

  it('ignores server_name, padding and pre_shared_key, which follow the URL, length and resumption', () => {
    const other = buildHello({ ...base, extensions: [0x000a, 0x000d, 0x0017, 0x002b, 0x0015] })
    expect(compareHellos(buildHello(base), other)).toEqual([])
  })
})
