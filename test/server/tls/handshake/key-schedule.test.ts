import { describe, expect, it } from 'vitest'
import { hkdfExpandLabel, tls12Prf, tls13TrafficKeys } from '../../../../server/tls/handshake/key-schedule.js'

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')

describe('TLS key schedule', () => {
  it('derives the RFC 8448 §3 server handshake key and IV from its traffic secret', () => {
    const secret = hex('b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38')
    const { key, iv } = tls13TrafficKeys('sha256', secret, 16)
    expect(key.toString('hex')).toBe('3fce516009c21727d0f2e4e86ee403bc')
    expect(iv.toString('hex')).toBe('5d313eb2671276ee13000b30')
  })

  it('encodes the HkdfLabel length, "tls13 " label and context (RFC 8446 §7.1)', () => {
    const a = hkdfExpandLabel('sha256', Buffer.alloc(32, 1), 'key', Buffer.alloc(0), 16)
    const b = hkdfExpandLabel('sha256', Buffer.alloc(32, 1), 'key', Buffer.from([0]), 16)
    expect(a.length).toBe(16)
    expect(a.equals(b)).toBe(false)
  })

  it('encodes a length of 256 bytes or more in both bytes of HkdfLabel.length, matching OpenSSL\'s HKDF (300 bytes)', () => {
    // Expected from OpenSSL 3.0.19, independently of this code:
    //   openssl kdf -keylen 300 -kdfopt digest:SHA256 -kdfopt mode:EXPAND_ONLY -kdfopt hexkey:0b…0b (32 bytes) \
    //     -kdfopt hexinfo:012c13746c733133206578706f7274657220746573740401020304 HKDF
    // (the info is HkdfLabel { uint16 300; "tls13 exporter test"; context 01020304 }, RFC 8446 §7.1).
    const out = hkdfExpandLabel('sha256', Buffer.alloc(32, 0x0b), 'exporter test', Buffer.from([1, 2, 3, 4]), 300)
    expect(out.toString('hex')).toBe(
        'beee9e527f312f69048475c3e9337e13f84bb479e28a5e7d794cca13180ba685eb7378ce2c30448122913394cdad406af1feb1381f533036de80c6f8' +
        'a2a6ae8e2698e6e35d0d117ef31d11490c868a0718dc9efcf157a07b3962a514b1b0753290e008282056b3e61ac3666c0589ec1592b1f92279e2331b' +
        'c9918acafee0b3831570aa27e1133a2ccaebd0e60d08b2e637e6ea844e245f320aac168a80fb1b51c549061a53e53281d3e0451ba41137e19214dc6c' +
        '9af1474c35c4bf8960abc97f7aecc42883e198560ad9052653a76db325e4d4f5a174d3d4310a551367ac636259f22c5836ac23e75c3308540e371aee' +
        '01e1e4e8d7d097da867b423278f892f5519935c30702520e88834009ad698075fc32fc9c9fac6c872b1f02f7266a4a3850d651ff43135942b5289eec',
    )
  })

  it('matches the published TLS 1.2 PRF-SHA256 test vector', () => {
    const out = tls12Prf('sha256', hex('9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35'), 'test label', hex('a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c'), 100)
    expect(out.toString('hex')).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    )
  })
})
