import { describe, expect, it } from 'vitest'
import { computeJa3 } from '../../../server/fingerprint/ja3.js'
import { buildHello, decList } from './build-hello.js'

describe('computeJa3', () => {
  it('matches the Salesforce README vector 769,...,0 = ada70206e40642a3e4461f35503241d5', () => {
    const hello = buildHello({
      legacyVersion: 769,
      ciphers: decList('47-53-5-10-49161-49162-49171-49172-50-56-19-4'),
      extensions: [0, 10, 11],
      groups: [23, 24, 25],
      pointFormats: [0],
    })
    expect(computeJa3(hello)).toEqual({
      text: '769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0',
      hash: 'ada70206e40642a3e4461f35503241d5',
    })
  })

  it('matches a published Chrome 143 capture (browserleaks) with GREASE removed', () => {
    // Chrome's hello as reported by tls.browserleaks.com: ja3_text and ja3_hash, GREASE already stripped there.
    const ja3Text =
      '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,45-51-16-65037-23-17613-0-11-10-43-65281-35-18-5-13-27,4588-29-23-24,0'
    const [, ciphers = '', extensions = '', groups = ''] = ja3Text.split(',')
    const hello = buildHello({
      ciphers: [0x8a8a, ...decList(ciphers)],
      extensions: [0xbaba, ...decList(extensions), 0x2a2a],
      groups: [0x6a6a, ...decList(groups)],
      pointFormats: [0],
    })
    expect(computeJa3(hello)).toEqual({ text: ja3Text, hash: '98487aa16281980e7d1120d399efb6a4' })
  })

  it('leaves empty fields for a hello without extensions', () => {
    const hello = buildHello({ legacyVersion: 0x0303, ciphers: [0x002f], extensions: [] })
    expect(computeJa3(hello).text).toBe('771,47,,,')
  })
})
