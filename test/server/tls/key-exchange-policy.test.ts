import { describe, expect, it } from 'vitest'
import { checkNegotiatedProtocol, DEFAULT_PROTOCOL_POLICY } from '../../../server/client/protocol-policy.js'
import { findDowngrades } from '../../../server/fingerprint/find-downgrades.js'
import { applyClientHelloEdit, HYBRID_GROUP_CODES } from '../../../server/tls/tamper/client-hello-edit.js'
import { encodeClientKeyShares, encodeSupportedGroups, parseClientKeyShares, parseSupportedGroups } from '../../../server/tls/handshake/hello-structure.js'
import { ianaGroupName, isQuantumResistant, keyExchangeKind } from '../../../server/tls/key-exchange-group.js'
import { buildHello } from '../fingerprint/build-hello.js'

describe('key-exchange groups: hybrid, post-quantum or classical', () => {
  it('classifies by IANA name and maps OpenSSL spellings', () => {
    expect(keyExchangeKind('X25519MLKEM768')).toBe('hybrid')
    expect(keyExchangeKind('SecP256r1MLKEM768')).toBe('hybrid')
    expect(keyExchangeKind('MLKEM1024')).toBe('post-quantum')
    expect(keyExchangeKind('x25519')).toBe('classical')
    expect(isQuantumResistant(null)).toBe(false)
    expect(ianaGroupName('X25519')).toBe('x25519')
    expect(ianaGroupName('prime256v1')).toBe('secp256r1')
    expect(ianaGroupName('X25519MLKEM768')).toBe('X25519MLKEM768')
  })
})

describe('PROTO under requireHybridKeyExchange', () => {
  const strict = { ...DEFAULT_PROTOCOL_POLICY, requireHybridKeyExchange: true }
  it('fails CLASSICAL_KEY_EXCHANGE for x25519 and for an unknown group, naming the group', () => {
    expect(checkNegotiatedProtocol(strict, 'TLSv1.3', 'TLS_AES_256_GCM_SHA384', 'x25519')).toMatchObject({ status: 'fail', code: 'CLASSICAL_KEY_EXCHANGE', detail: { group: 'x25519' } })
    expect(checkNegotiatedProtocol(strict, 'TLSv1.3', 'TLS_AES_256_GCM_SHA384', null)).toMatchObject({ status: 'fail', code: 'CLASSICAL_KEY_EXCHANGE' })
  })
  it('passes the hybrid, and the default policy passes classical key exchange', () => {
    expect(checkNegotiatedProtocol(strict, 'TLSv1.3', 'TLS_AES_256_GCM_SHA384', 'X25519MLKEM768').status).toBe('pass')
    expect(checkNegotiatedProtocol(DEFAULT_PROTOCOL_POLICY, 'TLSv1.3', 'TLS_AES_256_GCM_SHA384', 'x25519')).toMatchObject({ status: 'pass', message: 'TLSv1.3 with TLS_AES_256_GCM_SHA384, key exchange x25519 (classical)' })
  })
  it('still fails an old version first, whatever the group', () => {
    expect(checkNegotiatedProtocol(strict, 'TLSv1', 'TLS_RSA_WITH_AES_128_CBC_SHA', 'x25519').code).toBe('PROTOCOL_VERSION_TOO_OLD')
  })
})

describe('HYBRID_GROUP_REMOVED', () => {
  const browser = buildHello({ ciphers: [0x1301], extensions: [10, 43, 51], groups: [0x11ec, 0x001d, 0x0017], keyShares: [0x11ec, 0x001d], versions: [0x0304, 0x0303] })
  it('is reported when the hybrid is offered by the client and not upstream', () => {
    const classical = buildHello({ ciphers: [0x1301], extensions: [10, 43, 51], groups: [0x001d, 0x0017], keyShares: [0x001d], versions: [0x0304, 0x0303] })
    expect(findDowngrades(browser, classical)).toContainEqual({ code: 'HYBRID_GROUP_REMOVED', expected: ['X25519MLKEM768'], actual: ['x25519', 'secp256r1'] })
  })
  it('is not reported when the upstream keeps any quantum-resistant group, nor when the client offered none', () => {
    const otherHybrid = buildHello({ ciphers: [0x1301], extensions: [10, 43, 51], groups: [0x11eb, 0x001d], keyShares: [0x001d], versions: [0x0304, 0x0303] })
    expect(findDowngrades(browser, otherHybrid).map((d) => d.code)).not.toContain('HYBRID_GROUP_REMOVED')
    const classical = buildHello({ ciphers: [0x1301], extensions: [10, 43, 51], groups: [0x001d], keyShares: [0x001d], versions: [0x0304, 0x0303] })
    expect(findDowngrades(classical, classical)).toEqual([])
  })
})

describe('the drop-groups ClientHello edit', () => {
  it('removes the hybrid from supported_groups and its share from key_share, keeping the rest byte for byte', () => {
    const x25519 = Buffer.alloc(32, 7)
    const hybrid = Buffer.alloc(1216, 9)
    const parts = {
      legacyVersion: 0x0303,
      random: Buffer.alloc(32),
      sessionId: Buffer.alloc(0),
      cipherSuites: [0x1301],
      compressionMethods: Buffer.from([0]),
      extensions: [
        { type: 10, data: encodeSupportedGroups([0x11ec, 0x001d, 0x0017]) },
        { type: 51, data: encodeClientKeyShares([{ group: 0x11ec, keyExchange: hybrid }, { group: 0x001d, keyExchange: x25519 }]) },
        { type: 16, data: Buffer.from([0, 3, 2, 0x68, 0x32]) },
      ],
    }
    const edited = applyClientHelloEdit(parts, { kind: 'drop-groups', groups: HYBRID_GROUP_CODES })
    const [groups, shares, alpn] = edited.extensions
    expect(parseSupportedGroups(groups?.data ?? Buffer.alloc(0))).toEqual([0x001d, 0x0017])
    expect(parseClientKeyShares(shares?.data ?? Buffer.alloc(0))).toEqual([{ group: 0x001d, keyExchange: x25519 }])
    expect(alpn).toEqual(parts.extensions[2])
  })
})
