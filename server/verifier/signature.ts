import { constants, verify as cryptoVerify, type KeyObject } from 'node:crypto'
import { decodeOid, readChildren, readSingle } from '../x509/der-reader.js'
import type { AlgorithmIdentifier, ParsedCertificate, PublicKeyInfo } from '../x509/types.js'
import { memoizedOutcome, publicKeyFromSpki } from './verification-memo.js'

/** What verifying one signature found. */
export type SignatureOutcome = 'valid' | 'invalid' | 'bad-key' | 'unsupported-algorithm'

interface SignatureScheme {
  keyKind: PublicKeyInfo['kind']
  /** node:crypto digest name, or null for Ed25519/Ed448/ML-DSA (the message is signed whole). */
  hash: string | null
  pssSaltLength?: number
}

const HASH_OIDS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
}

const SIMPLE_SCHEMES: Record<string, SignatureScheme> = {
  '1.2.840.113549.1.1.4': { keyKind: 'rsa', hash: 'md5' },
  '1.2.840.113549.1.1.5': { keyKind: 'rsa', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { keyKind: 'rsa', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { keyKind: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { keyKind: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { keyKind: 'rsa', hash: 'sha512' },
  '1.2.840.10045.4.1': { keyKind: 'ec', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { keyKind: 'ec', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { keyKind: 'ec', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { keyKind: 'ec', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { keyKind: 'ec', hash: 'sha512' },
  '1.3.101.112': { keyKind: 'ed25519', hash: null },
  '1.3.101.113': { keyKind: 'ed448', hash: null },
  // ML-DSA, "pure" mode with an empty context string (draft-ietf-lamps-dilithium-certificates §3;
  // node:crypto's one-shot verify with a null digest is exactly that).
  '2.16.840.1.101.3.4.3.17': { keyKind: 'ml-dsa', hash: null },
  '2.16.840.1.101.3.4.3.18': { keyKind: 'ml-dsa', hash: null },
  '2.16.840.1.101.3.4.3.19': { keyKind: 'ml-dsa', hash: null },
}

const RSASSA_PSS = '1.2.840.113549.1.1.10'
const MGF1 = '1.2.840.113549.1.1.8'

/** The signature scheme of an AlgorithmIdentifier (RFC 4055 §3.1 for PSS parameters), or null if unsupported. */
export function signatureScheme(algorithm: AlgorithmIdentifier): SignatureScheme | null {
  const simple = SIMPLE_SCHEMES[algorithm.oid]
  if (simple !== undefined) return simple
  if (algorithm.oid !== RSASSA_PSS || algorithm.parametersDer === null) return null
  const params = readSingle(algorithm.parametersDer)
  const fields = params?.identifier === 0x30 ? readChildren(params.value) : null
  if (fields === null) return null
  let hash = 'sha1'
  let mgfHash = 'sha1'
  let saltLength = 20
  for (const field of fields) {
    const inner = readSingle(field.value)
    const parts = inner?.identifier === 0x30 ? readChildren(inner.value) : null
    if (field.identifier === 0xa0 && parts?.[0] !== undefined) hash = HASH_OIDS[decodeOid(parts[0].value) ?? ''] ?? ''
    else if (field.identifier === 0xa1 && parts?.[0] !== undefined && parts[1] !== undefined) {
      if (decodeOid(parts[0].value) !== MGF1) return null
      const mgfParts = readChildren(parts[1].value)
      mgfHash = HASH_OIDS[decodeOid(mgfParts?.[0]?.value ?? new Uint8Array()) ?? ''] ?? ''
    } else if (field.identifier === 0xa2 && inner?.identifier === 0x02) saltLength = inner.value.reduce((n, b) => n * 256 + b, 0)
    else if (field.identifier !== 0xa3) return null
  }
  // node:crypto uses the message digest for MGF1 too, so other combinations cannot be verified.
  if (hash === '' || hash !== mgfHash) return null
  return { keyKind: 'rsa', hash, pssSaltLength: saltLength }
}

/** Caches KeyObjects and edge outcomes, and counts signature checks for the build budget. */
export class SignatureCache {
  private readonly keys = new Map<ParsedCertificate, KeyObject | null>()
  private readonly outcomes = new Map<ParsedCertificate, Map<ParsedCertificate, SignatureOutcome>>()
  checks = 0

  has(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
    return this.outcomes.get(child)?.has(issuer) ?? false
  }

  /** Whether `issuer`'s key verifies `child`'s signature (RFC 5280 §6.1.3 (a)(1)). */
  verify(child: ParsedCertificate, issuer: ParsedCertificate): SignatureOutcome {
    let byIssuer = this.outcomes.get(child)
    const cached = byIssuer?.get(issuer)
    if (cached !== undefined) return cached
    this.checks++
    const outcome = this.compute(child, issuer)
    if (byIssuer === undefined) this.outcomes.set(child, (byIssuer = new Map()))
    byIssuer.set(issuer, outcome)
    return outcome
  }

  private keyOf(cert: ParsedCertificate): KeyObject | null {
    if (!this.keys.has(cert)) this.keys.set(cert, publicKeyFromSpki(cert.spkiDer))
    return this.keys.get(cert) ?? null
  }

  private compute(child: ParsedCertificate, issuer: ParsedCertificate): SignatureOutcome {
    return this.verifySigned({ algorithm: child.signatureAlgorithm, tbsDer: child.tbsDer, signature: child.signature }, issuer)
  }

  /** Verifies any signed structure (a certificate, a CRL) with `issuer`'s key. Not cached, not budgeted. */
  verifySigned(signed: { algorithm: AlgorithmIdentifier; tbsDer: Uint8Array; signature: Uint8Array }, issuer: ParsedCertificate): SignatureOutcome {
    return memoizedOutcome([signed.tbsDer, signed.algorithm.der, signed.signature, issuer.spkiDer], () => this.computeSigned(signed, issuer))
  }

  private computeSigned(signed: { algorithm: AlgorithmIdentifier; tbsDer: Uint8Array; signature: Uint8Array }, issuer: ParsedCertificate): SignatureOutcome {
    const scheme = signatureScheme(signed.algorithm)
    if (scheme === null) return 'unsupported-algorithm'
    // An algorithm for another key type (ECDSA under an RSA key) cannot have been made with this key.
    if (scheme.keyKind !== issuer.publicKey.kind) return 'invalid'
    const key = this.keyOf(issuer)
    if (key === null) return 'bad-key'
    try {
      const options =
        scheme.pssSaltLength === undefined
          ? key
          : { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.pssSaltLength }
      return cryptoVerify(scheme.hash, signed.tbsDer, options, signed.signature) ? 'valid' : 'invalid'
    } catch {
      return 'invalid' // OpenSSL rejects malformed signature encodings by throwing; that is a bad signature
    }
  }
}
