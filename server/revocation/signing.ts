import { sign, verify, type KeyObject } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import { AlgorithmIdentifier } from '@peculiar/asn1-x509'

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11'
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2'
const ECDSA_WITH_SHA384 = '1.2.840.10045.4.3.3'
const ED25519 = '1.3.101.112'

/**
 * Signs what a CA signs (a TBSCertList, a ResponseData) with node:crypto and
 * names the algorithm: sha256WithRSAEncryption with NULL parameters (RFC 4055
 * §5), ecdsa-with-SHA256 without parameters (RFC 5758 §3.2), or Ed25519 (RFC 8410 §3).
 */
export function signAsCa(privateKey: KeyObject, data: Buffer): { algorithm: AlgorithmIdentifier; signature: Buffer } {
  const algorithm = caSignatureAlgorithm(privateKey)
  return { algorithm, signature: sign(algorithm.algorithm === ED25519 ? null : 'sha256', data, privateKey) }
}

/** The AlgorithmIdentifier signAsCa uses for this key: written into the TBS before signing. */
export function caSignatureAlgorithm(privateKey: KeyObject): AlgorithmIdentifier {
  const type = privateKey.asymmetricKeyType
  if (type === 'ed25519') return new AlgorithmIdentifier({ algorithm: ED25519 })
  if (type === 'ec') return new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 })
  return new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null })
}

const HASH_OF: Record<string, string | null> = {
  [SHA256_WITH_RSA]: 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  [ECDSA_WITH_SHA256]: 'sha256',
  [ECDSA_WITH_SHA384]: 'sha384',
  [ED25519]: null,
}

/** Verifies a CA signature named by its AlgorithmIdentifier OID; false for unknown algorithms or bad keys. */
export function verifyAsCa(algorithmOid: string, data: Uint8Array, publicKey: KeyObject, signature: Uint8Array): boolean {
  const hash = HASH_OF[algorithmOid]
  if (hash === undefined) return false
  try {
    return verify(hash, data, publicKey, signature)
  } catch {
    return false
  }
}

export function algorithmDer(algorithm: AlgorithmIdentifier): Buffer {
  return Buffer.from(AsnConvert.serialize(algorithm))
}
