import { describe, expect, it } from 'vitest'
import { computeJa4 } from '../../../server/fingerprint/ja4.js'
import { buildHello, decList, hexList } from './build-hello.js'

const SPEC_CIPHERS = hexList('1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035')
const SPEC_SIGALGS = hexList('0403,0804,0401,0503,0805,0501,0806,0601')

describe('computeJa4', () => {
  it('reproduces the example in FoxIO technical_details/JA4.md, GREASE ignored', () => {
    const hello = buildHello({
      ciphers: [0x0a0a, ...SPEC_CIPHERS],
      extensions: [0x1a1a, ...hexList('001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015'), 0xfafa],
      alpn: ['h2', 'http/1.1'],
      sigAlgs: SPEC_SIGALGS,
      versions: [0x7a7a, 0x0304, 0x0303],
    })
    expect(computeJa4(hello)).toEqual({
      ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1',
      ja4_r:
        't13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601',
      ja4_o: 't13d1516h2_acb858a92679_18f69afefd3d',
      ja4_ro:
        't13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015_0403,0804,0401,0503,0805,0501,0806,0601',
    })
  })

  it('matches FoxIO testdata sigalg-grease.pcapng.json (Chrome with ML-DSA sigalgs)', () => {
    const hello = buildHello({
      ciphers: SPEC_CIPHERS,
      extensions: hexList('fe0d,0010,0017,0033,44cd,ff01,000a,000d,0023,002b,000b,ca34,002d,0000,0005,001b,0012'),
      alpn: ['h2'],
      sigAlgs: [0x0904, 0x0905, 0x0906, ...SPEC_SIGALGS],
    })
    const ja4 = computeJa4(hello)
    expect(ja4.ja4).toBe('t13d1517h2_8daaf6152771_cb7bf5808d99')
    expect(ja4.ja4_o).toBe('t13d1517h2_acb858a92679_88bf22a3e888')
  })

  it('matches a published Chrome 143 capture (browserleaks) in JA4 and JA4_o', () => {
    const hello = buildHello({
      ciphers: decList('4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53'),
      extensions: decList('45-51-16-65037-23-17613-0-11-10-43-65281-35-18-5-13-27'),
      alpn: ['h2', 'http/1.1'],
      sigAlgs: SPEC_SIGALGS,
    })
    expect(computeJa4(hello).ja4).toBe('t13d1516h2_8daaf6152771_d8a2da3f94cd')
  })

  it('uses i without SNI, 00 without ALPN, the legacy version without supported_versions, and no underscore without sigalgs', () => {
    const hello = buildHello({ legacyVersion: 0x0303, ciphers: [0xc02f, 0x009c], extensions: [0x000a, 0x000b] })
    const ja4 = computeJa4(hello)
    expect(ja4.ja4_r).toBe('t12i020200_009c,c02f_000a,000b')
    expect(ja4.ja4.startsWith('t12i020200_')).toBe(true)
  })

  it('writes 000000000000 for an empty extension list (only SNI and ALPN)', () => {
    const hello = buildHello({ ciphers: [0x1301], extensions: [0x0000, 0x0010], alpn: ['http/1.1'] })
    expect(computeJa4(hello).ja4).toMatch(/^t12d0102h1_[0-9a-f]{12}_000000000000$/)
  })

  it.each([
    [['h'], 'hh'],
    [['\xab'], 'ab'],
    [['\xab\xcd'], 'ad'],
    [['0\xab'], '3b'],
    [['01\xab\xcd'], '3d'],
    [['0\xab\xcd1'], '01'],
  ])('encodes the first ALPN %j as %s (JA4 ALPN rules)', (alpn, code) => {
    const hello = buildHello({ ciphers: [0x1301], extensions: [0x0010], alpn })
    expect(computeJa4(hello).ja4.slice(8, 10)).toBe(code)
  })
})
