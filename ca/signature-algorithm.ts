import { constants, sign, type KeyObject } from 'node:crypto'
import { CaError } from '../server/errors.js'
import type { KeySpec } from './key-pair.js'

/**
 * Hashes the lab signs with. md5 and sha1 exist to stage the weak-algorithm
 * attacks (catalog row 24); OpenSSL 3 still signs with them on request. sha224
 * is valid under RFC 5280 (RFC 5758 §3.2, RFC 4055 §5) but not in the Web PKI
 * (CA/B Forum Baseline Requirements §7.1.3.2 allow SHA-256/384/512 only), so it
 * tells the two verifier profiles apart.
 */
export type SignatureHash = 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'sha1' | 'md5'

/** RSASSA-PSS (RFC 4055) instead of PKCS#1 v1.5 for RSA issuers. */
export type RsaPadding = 'pkcs1' | 'pss'

export interface SignatureAlgorithm {
  oid: string
  /** DER of the AlgorithmIdentifier parameters, or null when they must be absent. */
  parametersDer: Buffer | null
  sign(tbs: Buffer, key: KeyObject): Buffer
}

// RFC 8017 App. C / RFC 4055 §5: sha*WithRSAEncryption, parameters NULL.
const RSA_PKCS1_OIDS = {
  md5: '1.2.840.113549.1.1.4',
  sha1: '1.2.840.113549.1.1.5',
  sha224: '1.2.840.113549.1.1.14',
  sha256: '1.2.840.113549.1.1.11',
  sha384: '1.2.840.113549.1.1.12',
  sha512: '1.2.840.113549.1.1.13',
} as const satisfies Record<SignatureHash, string>

// RFC 5758 §3.2: ecdsa-with-SHA*, parameters absent. RFC 3279 §2.2.3 for SHA-1.
const ECDSA_OIDS = {
  sha1: '1.2.840.10045.4.1',
  sha224: '1.2.840.10045.4.3.1',
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
} as const

const DER_NULL = Buffer.from([0x05, 0x00])

// NIST CSOR sigAlgs arc 2.16.840.1.101.3.4.3 (FIPS 204 parameter sets).
const ML_DSA_SIGNATURE_OIDS = { 44: '2.16.840.1.101.3.4.3.17', 65: '2.16.840.1.101.3.4.3.18', 87: '2.16.840.1.101.3.4.3.19' } as const

/** Picks the AlgorithmIdentifier and native signer for an issuer key. */
export function signatureAlgorithmFor(issuer: KeySpec, hash: SignatureHash, padding: RsaPadding): SignatureAlgorithm {
  if (issuer.type === 'ml-dsa') {
    // draft-ietf-lamps-dilithium-certificates §3: id-ml-dsa-*, parameters absent, pure ML-DSA with
    // an empty context string over the whole TBSCertificate (what node:crypto's sign(null, …) does).
    return { oid: ML_DSA_SIGNATURE_OIDS[issuer.level], parametersDer: null, sign: (tbs, key) => sign(null, tbs, key) }
  }
  if (issuer.type === 'ed25519') {
    // RFC 8410 §3: id-Ed25519, parameters absent; the hash is intrinsic.
    return { oid: '1.3.101.112', parametersDer: null, sign: (tbs, key) => sign(null, tbs, key) }
  }
  if (issuer.type === 'ec') {
    if (hash === 'md5') throw new CaError('CA_INVALID_PARAMS', 'ECDSA has no MD5 signature algorithm')
    return { oid: ECDSA_OIDS[hash], parametersDer: null, sign: (tbs, key) => sign(hash, tbs, key) }
  }
  if (padding === 'pss') {
    if (hash !== 'sha256') throw new CaError('CA_INVALID_PARAMS', 'The lab issues RSA-PSS with SHA-256 only')
    return {
      oid: '1.2.840.113549.1.1.10',
      parametersDer: PSS_SHA256_PARAMS,
      sign: (tbs, key) =>
        sign('sha256', tbs, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
    }
  }
  return { oid: RSA_PKCS1_OIDS[hash], parametersDer: DER_NULL, sign: (tbs, key) => sign(hash, tbs, key) }
}

// RFC 4055 §3.1 RSASSA-PSS-params for SHA-256, MGF1-SHA-256, salt 32, trailer 1 (default, omitted).
const PSS_SHA256_PARAMS = Buffer.from(
  '3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120',
  'hex',
)
