import { describe, expect, it } from 'vitest'
import { signatureScheme } from '../../../server/verifier/signature.js'
import type { AlgorithmIdentifier } from '../../../server/x509/types.js'

/** DER TLV with a short or one-byte long length: enough for these small parameter blocks. */
function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content)
  const length = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length])
  return Buffer.concat([Buffer.from([tag]), length, body])
}
const oid = (hex: string): Buffer => tlv(0x06, Buffer.from(hex, 'hex'))
const NULL = Buffer.from([0x05, 0x00])
const SHA256 = tlv(0x30, oid('608648016503040201'), NULL)
const SHA384 = tlv(0x30, oid('608648016503040202'), NULL)
const mgf = (oidHex: string, hash: Buffer): Buffer => tlv(0x30, oid(oidHex), hash)
const MGF1 = '2a864886f70d010108'
const integer = (n: number): Buffer => tlv(0x02, Buffer.from([n]))

/** RSASSA-PSS-params (RFC 4055 §3.1): [0] hash, [1] mask generation, [2] salt length, [3] trailer field. */
function pss(...fields: Buffer[]): AlgorithmIdentifier {
  return algorithm('1.2.840.113549.1.1.10', tlv(0x30, ...fields))
}

/** signatureScheme reads only the OID and the parameters. */
function algorithm(oidText: string, parametersDer: Uint8Array | null): AlgorithmIdentifier {
  return { oid: oidText, parametersDer, der: Buffer.alloc(0) }
}

describe('signatureScheme: RSASSA-PSS parameters (RFC 4055 §3.1)', () => {
  it.each<[string, AlgorithmIdentifier, unknown]>([
    ['SHA-256, MGF1 with SHA-256, salt 32', pss(tlv(0xa0, SHA256), tlv(0xa1, mgf(MGF1, SHA256)), tlv(0xa2, integer(32))), { keyKind: 'rsa', hash: 'sha256', pssSaltLength: 32 }],
    ['the same with the trailer field 1', pss(tlv(0xa0, SHA256), tlv(0xa1, mgf(MGF1, SHA256)), tlv(0xa2, integer(32)), tlv(0xa3, integer(1))), { keyKind: 'rsa', hash: 'sha256', pssSaltLength: 32 }],
    ['every default: SHA-1, MGF1 with SHA-1, salt 20', pss(), { keyKind: 'rsa', hash: 'sha1', pssSaltLength: 20 }],
    ['a mask generation function other than MGF1', pss(tlv(0xa0, SHA256), tlv(0xa1, mgf('2a864886f70d010109', SHA256)), tlv(0xa2, integer(32))), null],
    ['MGF1 over another hash than the message (node:crypto cannot verify it)', pss(tlv(0xa0, SHA256), tlv(0xa1, mgf(MGF1, SHA384)), tlv(0xa2, integer(32))), null],
    ['an unknown hash', pss(tlv(0xa0, tlv(0x30, oid('2a0304'), NULL)), tlv(0xa1, mgf(MGF1, tlv(0x30, oid('2a0304'), NULL)))), null],
    ['a field RFC 4055 does not define ([4])', pss(tlv(0xa0, SHA256), tlv(0xa1, mgf(MGF1, SHA256)), tlv(0xa4, integer(1))), null],
    ['a hash field [0] that holds no AlgorithmIdentifier', pss(tlv(0xa0, integer(1)), tlv(0xa1, mgf(MGF1, SHA256))), null],
    ['a mask field [1] that holds no AlgorithmIdentifier', pss(tlv(0xa0, SHA256), tlv(0xa1, integer(1))), null],
    ['parameters that are not a SEQUENCE', algorithm('1.2.840.113549.1.1.10', integer(1)), null],
    ['no parameters at all', algorithm('1.2.840.113549.1.1.10', null), null],
  ])('%s', (_name, algorithm, expected) => {
    expect(signatureScheme(algorithm)).toEqual(expected)
  })

  it('knows the simple schemes by OID and nothing else', () => {
    expect(signatureScheme(algorithm('1.2.840.113549.1.1.11', NULL))).toEqual({ keyKind: 'rsa', hash: 'sha256' })
    expect(signatureScheme(algorithm('1.2.840.10045.4.3.3', null))).toEqual({ keyKind: 'ec', hash: 'sha384' })
    expect(signatureScheme(algorithm('1.3.101.112', null))).toEqual({ keyKind: 'ed25519', hash: null })
    expect(signatureScheme(algorithm('1.2.3.4', null))).toBeNull()
  })
})
