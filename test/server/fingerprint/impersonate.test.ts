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
      // `*` marks the groups OpenSSL 3.5 sends a key share for: Chrome's hybrid + X25519 pair.
      ecdhCurve: '*X25519MLKEM768:*X25519:P-256:P-384',
      sigalgs: 'ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:rsa_pkcs1_sha256:ecdsa_secp384r1_sha384:rsa_pss_rsae_sha384:rsa_pkcs1_sha384:rsa_pss_rsae_sha512:rsa_pkcs1_sha512',
      ALPNProtocols: ['h2', 'http/1.1'],
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
      requestOCSP: true,
    })
  })

  it('names what node:tls cannot copy from Chrome: GREASE, its extensions and order, and point formats', () => {
    const { unmirrorable } = planImpersonation(chrome)
    expect(unmirrorable.find((u) => u.field === 'extensions')).toMatchObject({
      missing: ['encrypted_client_hello', 'application_settings_new', 'signed_certificate_timestamp', 'compress_certificate'],
      extra: [],
    })
    expect(unmirrorable.map((u) => u.field)).toEqual(['extensions', 'extensionOrder', 'ecPointFormats', 'grease'])
  })

  it("mirrors Chrome's post-quantum key exchange on OpenSSL 3.5: X25519MLKEM768 first, key shares for it and X25519", () => {
    const { predicted, unmirrorable } = planImpersonation(chrome)
    expect(predicted.supportedGroups).toEqual([0x11ec, 0x001d, 0x0017, 0x0018])
    expect(predicted.keyShareGroups).toEqual([0x11ec, 0x001d])
    // And Chrome's renegotiation_info extension, which OpenSSL 3.5 sends instead of the SCSV.
    expect(predicted.cipherSuites).not.toContain(0x00ff)
    expect(unmirrorable.map((u) => u.field)).not.toContain('supportedGroups')
    expect(unmirrorable.map((u) => u.field)).not.toContain('keyShareGroups')
    expect(unmirrorable.map((u) => u.field)).not.toContain('cipherSuites')
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
