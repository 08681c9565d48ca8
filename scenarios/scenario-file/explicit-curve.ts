import { ScenarioError } from '../../server/errors.js'

/**
 * A P-256 SubjectPublicKeyInfo with the curve written out as explicit
 * ECParameters (SEC 1 §C.2 / RFC 3279 §2.3.5) instead of the namedCurve OID.
 * RFC 5480 §2.1.1 forbids this form in PKIX; CVE-2020-0601 ("CurveBall")
 * was a verifier that trusted such parameters. The point is kept, so the
 * private key still signs for it.
 */
export function explicitCurveSpki(namedSpkiDer: Buffer): Buffer {
  // A named P-256 SPKI ends with the 65-byte uncompressed point (0x04 || X || Y).
  const point = namedSpkiDer.subarray(namedSpkiDer.length - 65)
  if (namedSpkiDer.length !== 91 || point[0] !== 0x04) {
    throw new ScenarioError('SCENARIO_INVALID', 'explicitParameters is only supported for EC P-256 keys')
  }
  const parameters = sequence(
    integer(Buffer.from([1])),
    sequence(oid('06072a8648ce3d0101'), integer(hex(P256.p))),
    sequence(octetString(hex(P256.a)), octetString(hex(P256.b))),
    octetString(Buffer.concat([Buffer.from([4]), hex(P256.gx), hex(P256.gy)])),
    integer(hex(P256.n)),
    integer(Buffer.from([1])),
  )
  const algorithm = sequence(oid('06072a8648ce3d0201'), parameters)
  return sequence(algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), point])))
}

// SEC 2 v2 §2.4.2 secp256r1 domain parameters.
const P256 = {
  p: 'ffffffff00000001000000000000000000000000ffffffffffffffffffffffff',
  a: 'ffffffff00000001000000000000000000000000fffffffffffffffffffffffc',
  b: '5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b',
  gx: '6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296',
  gy: '4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
  n: 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
}

const hex = (value: string): Buffer => Buffer.from(value, 'hex')

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length
  const lengthBytes =
    length < 0x80 ? Buffer.from([length]) : length < 0x100 ? Buffer.from([0x81, length]) : Buffer.from([0x82, length >> 8, length & 0xff])
  return Buffer.concat([Buffer.from([tag]), lengthBytes, content])
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items))
const octetString = (bytes: Buffer): Buffer => tlv(0x04, bytes)
/** The complete OID TLV, given as hex. */
const oid = (tlvHex: string): Buffer => Buffer.from(tlvHex, 'hex')

/** DER INTEGER of an unsigned big-endian magnitude: a leading zero keeps it positive. */
function integer(magnitude: Buffer): Buffer {
  const first = magnitude[0] ?? 0
  return tlv(0x02, first >= 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : magnitude)
}
