import { describe, expect, it } from 'vitest'
import {
  cipherSuiteName,
  extensionName,
  groupName,
  opensslCipherName,
  signatureSchemeName,
  versionName,
} from '../../../../server/tls/client-hello/names.js'

describe('names', () => {
  it('names TLS 1.3 and TLS 1.2 suites by their IANA names, with OpenSSL spellings', () => {
    expect(cipherSuiteName(0x1301)).toBe('TLS_AES_128_GCM_SHA256')
    expect(cipherSuiteName(0xc02f)).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256')
    expect(opensslCipherName(0xc02f)).toBe('ECDHE-RSA-AES128-GCM-SHA256')
    expect(opensslCipherName(0x00ff)).toBeUndefined()
    expect(cipherSuiteName(0x00ff)).toBe('TLS_EMPTY_RENEGOTIATION_INFO_SCSV')
  })

  it('names groups, versions, extensions and signature schemes', () => {
    expect(groupName(0x001d)).toBe('x25519')
    expect(groupName(0x11ec)).toBe('X25519MLKEM768')
    expect(versionName(0x0304)).toBe('TLS 1.3')
    expect(extensionName(0x0010)).toBe('application_layer_protocol_negotiation')
    expect(signatureSchemeName(0x0804)).toBe('rsa_pss_rsae_sha256')
  })

  it('renders GREASE and unknown code points as hex', () => {
    expect(cipherSuiteName(0x2a2a)).toBe('GREASE (0x2a2a)')
    expect(extensionName(0x1234)).toBe('unknown (0x1234)')
  })
})
