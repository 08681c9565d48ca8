import { decodeOid, readChildren, readSingle, type Tlv } from './der-reader.js'
import { parseAlgorithmIdentifier } from './parse-algorithm.js'
import type { PublicKeyInfo } from './types.js'

/** ML-DSA's OIDs (signature algorithm and key alike), by FIPS 204 parameter set. */
export const ML_DSA_OIDS = { 44: '2.16.840.1.101.3.4.3.17', 65: '2.16.840.1.101.3.4.3.18', 87: '2.16.840.1.101.3.4.3.19' } as const
const ML_DSA_LEVELS: Record<string, 44 | 65 | 87> = { [ML_DSA_OIDS[44]]: 44, [ML_DSA_OIDS[65]]: 65, [ML_DSA_OIDS[87]]: 87 }
/** FIPS 204 Table 2: public key sizes. */
const ML_DSA_KEY_BYTES = { 44: 1312, 65: 1952, 87: 2592 } as const

const NAMED_CURVES: Record<string, 'P-192' | 'P-224' | 'P-256' | 'P-384' | 'P-521'> = {
  '1.2.840.10045.3.1.1': 'P-192',
  '1.3.132.0.33': 'P-224',
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
}

/** Describes a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7; RFC 3279, 5480, 8410), or null when malformed. */
export function parsePublicKey(spki: Tlv): PublicKeyInfo | null {
  const parts = spki.identifier === 0x30 ? readChildren(spki.value) : null
  const [algorithmTlv, keyBits] = parts ?? []
  if (parts?.length !== 2 || algorithmTlv === undefined || keyBits === undefined || keyBits.identifier !== 0x03) return null
  const algorithm = parseAlgorithmIdentifier(algorithmTlv)
  if (algorithm === null || keyBits.value.length < 1 || keyBits.value[0] !== 0) return null
  const key = keyBits.value.subarray(1)
  switch (algorithm.oid) {
    case '1.2.840.113549.1.1.1':
    case '1.2.840.113549.1.1.10':
      return rsaKey(key)
    case '1.2.840.10045.2.1':
      return ecKey(algorithm.parametersDer)
    case '1.3.101.112':
      return { kind: 'ed25519' }
    case '1.3.101.113':
      return { kind: 'ed448' }
    // id-ml-dsa-44/65/87 (NIST CSOR, draft-ietf-lamps-dilithium-certificates §2): parameters MUST
    // be absent, and the key is the raw 1312/1952/2592-byte FIPS 204 public key.
    case ML_DSA_OIDS[44]:
    case ML_DSA_OIDS[65]:
    case ML_DSA_OIDS[87]: {
      const level = ML_DSA_LEVELS[algorithm.oid]
      if (level === undefined || algorithm.parametersDer !== null || key.length !== ML_DSA_KEY_BYTES[level]) return null
      return { kind: 'ml-dsa', level }
    }
    case '1.2.840.10040.4.1':
      return { kind: 'dsa' }
    default:
      return { kind: 'unknown', oid: algorithm.oid }
  }
}

function rsaKey(key: Uint8Array): PublicKeyInfo | null {
  const sequence = readSingle(key)
  const [modulus] = sequence?.identifier === 0x30 ? (readChildren(sequence.value) ?? []) : []
  if (modulus === undefined || modulus.identifier !== 0x02 || modulus.value.length === 0) return null
  let bytes = modulus.value
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1)
  const top = bytes[0] ?? 0
  return { kind: 'rsa', bits: (bytes.length - 1) * 8 + (top === 0 ? 0 : Math.floor(Math.log2(top)) + 1) }
}

function ecKey(parametersDer: Uint8Array | null): PublicKeyInfo {
  const parameters = parametersDer === null ? null : readSingle(parametersDer)
  if (parameters?.identifier === 0x06) {
    const oid = decodeOid(parameters.value)
    return { kind: 'ec', curve: oid === null ? null : (NAMED_CURVES[oid] ?? null), explicitParameters: false }
  }
  // RFC 5480 §2.1.1: specifiedCurve (a SEQUENCE) MUST NOT be used; implicitCurve neither.
  return { kind: 'ec', curve: null, explicitParameters: parameters?.identifier === 0x30 }
}

export function describePublicKey(key: PublicKeyInfo): string {
  switch (key.kind) {
    case 'rsa':
      return `RSA-${key.bits}`
    case 'ec':
      return key.explicitParameters ? 'EC explicit parameters' : `EC ${key.curve ?? 'unknown curve'}`
    case 'ed25519':
      return 'Ed25519'
    case 'ed448':
      return 'Ed448'
    case 'ml-dsa':
      return `ML-DSA-${key.level}`
    case 'dsa':
      return 'DSA'
    case 'unknown':
      return `unknown (${key.oid})`
  }
}
