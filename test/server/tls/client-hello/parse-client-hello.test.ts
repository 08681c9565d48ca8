import { beforeAll, describe, expect, it } from 'vitest'
import { parseClientHello, type ClientHello } from '../../../../server/tls/client-hello/parse-client-hello.js'
import { captureNodeHello, extension, helloMessage, records, u16, vec } from './hello-bytes.js'

function expectHello(bytes: Uint8Array): ClientHello {
  const parsed = parseClientHello(bytes)
  if (!parsed.ok) throw new Error(`expected a hello, got ${parsed.code}: ${parsed.message}`)
  return parsed.hello
}

function expectCode(bytes: Uint8Array): string {
  const parsed = parseClientHello(bytes)
  return parsed.ok ? 'OK' : parsed.code
}

describe('parseClientHello', () => {
  let nodeHello: Buffer
  beforeAll(async () => {
    nodeHello = await captureNodeHello({ ALPNProtocols: ['h2', 'http/1.1'] })
  })

  it('reads SNI, ALPN, versions, groups and suites from a real node:tls hello', () => {
    const parsed = parseClientHello(nodeHello)
    expect(parsed.ok && parsed.consumedBytes).toBe(nodeHello.length)
    const hello = expectHello(nodeHello)
    expect(hello.sni).toBe('bank.lab')
    expect(hello.alpn).toEqual(['h2', 'http/1.1'])
    expect(hello.legacyVersion).toBe(0x0303)
    expect(hello.supportedVersions).toEqual([0x0304, 0x0303])
    // node's DEFAULT_CIPHERS begins TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256.
    expect(hello.cipherSuites.slice(0, 3)).toEqual([0x1302, 0x1303, 0x1301])
    // Node 24 (OpenSSL 3.5): the post-quantum hybrid X25519MLKEM768 first, with a key share for it
    // and one for X25519 (draft-ietf-tls-ecdhe-mlkem §3; OpenSSL's default group list).
    expect(hello.keyShareGroups).toEqual([0x11ec, 0x001d])
    expect(hello.supportedGroups.slice(0, 2)).toEqual([0x11ec, 0x001d])
    expect(hello.pskModes).toEqual([1])
    expect(hello.compressionMethods).toEqual([0])
    expect(hello.sessionIdLength).toBe(32)
    expect(hello.hasGrease.cipherSuites).toBe(false)
    expect(hello.recordCount).toBe(1)
    expect(hello.extensions.map((e) => e.type)).toContain(0x002b)
  })

  it('returns INCOMPLETE with a positive needBytes for every strict prefix of a real hello', () => {
    for (let length = 0; length < nodeHello.length; length++) {
      const parsed = parseClientHello(nodeHello.subarray(0, length))
      expect(parsed.ok === false && parsed.code === 'INCOMPLETE' && parsed.needBytes > 0).toBe(true)
      if (!parsed.ok && parsed.code === 'INCOMPLETE') {
        expect(parsed.needBytes).toBeLessThanOrEqual(nodeHello.length - length)
      }
    }
  })

  it('joins a hello fragmented over several records (RFC 8446 §5.1)', () => {
    const message = [...nodeHello.subarray(5)]
    const whole = expectHello(nodeHello)
    const split = expectHello(records(message, 100))
    expect(split.recordCount).toBe(Math.ceil(message.length / 100))
    expect({ ...split, recordCount: 1 }).toEqual(whole)
  })

  it('parses a TLS 1.2 hello without an extensions block', () => {
    const hello = expectHello(records(helloMessage({ ciphers: [0x002f] })))
    expect(hello.cipherSuites).toEqual([0x002f])
    expect(hello.extensions).toEqual([])
    expect(hello.sni).toBeNull()
  })

  it('flags GREASE in suites, extensions, groups and ALPN (RFC 8701)', () => {
    const hello = expectHello(
      records(
        helloMessage({
          ciphers: [0x3a3a, 0x1301],
          extensions: [extension(0xdada, []), extension(0x000a, vec(2, [...u16(0x4a4a), ...u16(0x001d)])), extension(0x0010, vec(2, vec(1, [0x2a, 0x2a])))],
        }),
      ),
    )
    expect(hello.hasGrease).toMatchObject({ cipherSuites: true, extensions: true, supportedGroups: true, alpn: true, supportedVersions: false })
    expect(hello.cipherSuites).toEqual([0x3a3a, 0x1301])
  })

  it('fails NOT_TLS for plain HTTP', () => {
    expect(expectCode(Buffer.from('GET / HTTP/1.1\r\n'))).toBe('NOT_TLS')
  })

  it('fails NOT_TLS for a record whose version major is not 3', () => {
    expect(expectCode(Uint8Array.from([22, 2, 0, 0, 5]))).toBe('NOT_TLS')
  })

  it('fails NOT_HANDSHAKE for an alert record and for a non-ClientHello handshake message', () => {
    expect(expectCode(Uint8Array.from([21, 3, 3, 0, 2, 2, 40]))).toBe('NOT_HANDSHAKE')
    expect(expectCode(records([2, 0, 0, 1, 0]))).toBe('NOT_HANDSHAKE')
  })

  it('fails TOO_LARGE for a record over 2^14 bytes and a hello body over the lab bound', () => {
    expect(expectCode(Uint8Array.from([22, 3, 1, 0x40, 0x01]))).toBe('TOO_LARGE')
    expect(expectCode(Uint8Array.from([22, 3, 1, 0, 4, 1, 0, 0x40, 0x01]))).toBe('TOO_LARGE')
  })

  it('fails TOO_LARGE when a hello spans more than 64 records', () => {
    expect(expectCode(records([...nodeHello.subarray(5)], 1))).toBe('TOO_LARGE')
  })

  it('fails MALFORMED for a zero-length record, an interleaved record and trailing handshake data', () => {
    expect(expectCode(Uint8Array.from([22, 3, 1, 0, 0]))).toBe('MALFORMED')
    const message = helloMessage()
    const interleaved = Uint8Array.from([...records(message.slice(0, 10)), 23, 3, 3, 0, 1, 0])
    expect(expectCode(interleaved)).toBe('MALFORMED')
    expect(expectCode(records([...message, 20, 0, 0, 0]))).toBe('MALFORMED')
  })

  it('fails MALFORMED for an SNI host_name with a NUL byte (RFC 6066 §3)', () => {
    const name = [...Buffer.from('bank.lab'), 0, ...Buffer.from('evil.lab')]
    const nul = helloMessage({ extensions: [extension(0x0000, vec(2, [0, ...vec(2, name)]))] })
    expect(expectCode(records(nul))).toBe('MALFORMED')
    const ok = helloMessage({ extensions: [extension(0x0000, vec(2, [0, ...vec(2, [...Buffer.from('bank.lab')])]))] })
    expect(expectHello(records(ok)).sni).toBe('bank.lab')
  })

  it('fails MALFORMED for a duplicated extension (RFC 8446 §4.2)', () => {
    const dup = helloMessage({ extensions: [extension(0x0017, []), extension(0x0017, [])] })
    expect(expectCode(records(dup))).toBe('MALFORMED')
  })

  it('fails MALFORMED for an odd-length cipher suite list and an overlong SNI vector', () => {
    const odd = helloMessage({ ciphers: [] })
    odd.splice(4 + 2 + 32 + 1, 2, ...u16(1), 0x13)
    odd.splice(1, 3, ...[0, (odd.length - 4) >> 8, (odd.length - 4) & 0xff])
    expect(expectCode(records(odd))).toBe('MALFORMED')
    const badSni = helloMessage({ extensions: [extension(0x0000, [...u16(20), 0, ...u16(3), 0x61])] })
    expect(expectCode(records(badSni))).toBe('MALFORMED')
  })
})
