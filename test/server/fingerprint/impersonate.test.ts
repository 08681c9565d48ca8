import { createSecureContext } from 'node:tls'
import { describe, expect, it } from 'vitest'
import { loadCatalog } from '../../../server/fingerprint/catalog.js'
import { planImpersonation } from '../../../server/fingerprint/impersonate.js'
import { buildHello, decList, hexList } from './build-hello.js'

/** Chrome 143 as published by browserleaks (see ja3.test.ts), with the GREASE Chrome sends. */
const chrome = buildHello({
  ciphers: [0x8a8a, ...decList('4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53')],
  extensions: [0xbaba, ...decList('45-51-16-65037-23-17613-0-11-10-43-65281-35-18-5-13-27'), 0x2a2a],
  alpn: ['h2', 'http/1.1'],
  groups: [0x6a6a, 0x11ec, 0x001d, 0x0017, 0x0018],
  sigAlgs: hexList('0403,0804,0401,0503,0805,0501,0806,0601'),
  versions: [0x5a5a, 0x0304, 0x0303],
  keyShares: [0x6a6a, 0x11ec, 0x001d],
})

describe('planImpersonation', () => {
  it('mirrors cipher order, groups, sigalgs, ALPN and the version range in tls.connect options', () => {
    const { options } = planImpersonation(chrome)
    expect(options.ciphers.split(':').slice(0, 5)).toEqual([
      'TLS_AES_128_GCM_SHA256',
      'TLS_AES_256_GCM_SHA384',
      'TLS_CHACHA20_POLY1305_SHA256',
      'ECDHE-ECDSA-AES128-GCM-SHA256',
      'ECDHE-RSA-AES128-GCM-SHA256',
    ])
    expect(options).toMatchObject({
      ecdhCurve: 'X25519:P-256:P-384',
      sigalgs: 'ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:rsa_pkcs1_sha256:ecdsa_secp384r1_sha384:rsa_pss_rsae_sha384:rsa_pkcs1_sha384:rsa_pss_rsae_sha512:rsa_pkcs1_sha512',
      ALPNProtocols: ['h2', 'http/1.1'],
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
      requestOCSP: true,
    })
  })

  it("names what node:tls cannot copy from Chrome: GREASE, its extensions and order, ML-KEM, its key shares and point formats", () => {
    const { unmirrorable } = planImpersonation(chrome)
    expect(unmirrorable.find((u) => u.field === 'supportedGroups')).toMatchObject({ missing: ['X25519MLKEM768'], extra: [] })
    expect(unmirrorable.map((u) => u.field)).toEqual([
      'cipherSuites',
      'extensions',
      'extensionOrder',
      'supportedGroups',
      'ecPointFormats',
      'keyShareGroups',
      'grease',
    ])
  })

  it('produces options node:tls accepts for every recorded lab client', () => {
    for (const entry of loadCatalog().entries) {
      const { options } = planImpersonation(entry.hello)
      expect(() => createSecureContext(options), entry.clientId).not.toThrow()
    }
  })

  it('leaves nothing unmirrorable for the node clients and openssl s_client, and only post_handshake_auth for curl', () => {
    const unmirrorable = Object.fromEntries(loadCatalog().entries.map((e) => [e.clientId, planImpersonation(e.hello).unmirrorable.map((u) => u.extra?.length === 0 ? u.missing : u.field)]))
    expect(unmirrorable).toEqual({
      'lab-verifier': [],
      'node-tls': [],
      'node-https': [],
      'node-fetch': [],
      curl: [['post_handshake_auth']],
      'openssl-s-client': [],
    })
  })
})
