import { describe, expect, it } from 'vitest'
import { parseIpAddress } from '../../../../server/verifier/names/ip-address.js'

const hex = (bytes: Uint8Array | null): string | null => (bytes === null ? null : Buffer.from(bytes).toString('hex'))

describe('parseIpAddress', () => {
  it('reads dotted-quad IPv4', () => {
    expect(hex(parseIpAddress('127.0.0.1'))).toBe('7f000001')
  })

  it('rejects IPv4 with leading zeros, hex or too few parts (RFC 3986 dec-octet only)', () => {
    expect(parseIpAddress('127.000.0.1')).toBeNull()
    expect(parseIpAddress('0x7f.0.0.1')).toBeNull()
    expect(parseIpAddress('127.1')).toBeNull()
  })

  it('reads IPv6 in compressed, full and embedded-IPv4 forms', () => {
    expect(hex(parseIpAddress('::1'))).toBe('00000000000000000000000000000001')
    expect(hex(parseIpAddress('2001:DB8:0:0:0:0:0:1'))).toBe('20010db8000000000000000000000001')
    expect(hex(parseIpAddress('::ffff:192.0.2.1'))).toBe('00000000000000000000ffffc0000201')
    expect(hex(parseIpAddress('2001:db8::'))).toBe('20010db8000000000000000000000000')
  })

  it('rejects zone identifiers and names', () => {
    expect(parseIpAddress('fe80::1%eth0')).toBeNull()
    expect(parseIpAddress('bank.lab')).toBeNull()
  })
})
