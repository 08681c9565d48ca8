import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { HASH_SHA256, precertSignedData, SIGNATURE_ECDSA, type SignedCertificateTimestamp } from './signed-certificate-timestamp.js'

/** A CT log as a client's log list knows it: what verifying its SCTs needs. */
export interface KnownCtLog {
  description: string
  /** RFC 6962 §3.2: SHA-256 of the log's SubjectPublicKeyInfo. */
  logId: Buffer
  /** The log's SubjectPublicKeyInfo, DER. */
  publicKeyDer: Buffer
}

/** A log the lab runs: it holds the signing key. */
export interface CtLog extends KnownCtLog {
  privateKey: KeyObject
}

/** A fresh log with an ECDSA P-256 key, the algorithm RFC 6962 §2.1.4 names. */
export function createCtLog(description: string): CtLog {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const publicKeyDer = publicKey.export({ type: 'spki', format: 'der' })
  return { description, logId: logIdOf(publicKeyDer), publicKeyDer, privateKey }
}

/** The entry for a client's log list: no private key. */
export function knownLog(log: CtLog): KnownCtLog {
  return { description: log.description, logId: log.logId, publicKeyDer: log.publicKeyDer }
}

export function logIdOf(spkiDer: Buffer): Buffer {
  return createHash('sha256').update(spkiDer).digest()
}

export interface PrecertEntry {
  /** SHA-256 of the issuer's SubjectPublicKeyInfo (RFC 6962 §3.2 issuer_key_hash). */
  issuerKeyHash: Buffer
  /** The precertificate TBS without the poison extension. */
  tbsDer: Buffer
}

/**
 * The log's promise to include the entry: an SCT v1 signed over the precert
 * entry (RFC 6962 §3.2). `claimLogId` lets an attacker put another log's id on
 * a signature made with this key (a forged SCT).
 */
export function signPrecertSct(log: CtLog, entry: PrecertEntry, timestamp: Date, claimLogId?: Buffer): SignedCertificateTimestamp {
  const millis = BigInt(timestamp.getTime())
  const extensions = Buffer.alloc(0)
  const signature = sign('sha256', precertSignedData({ timestamp: millis, ...entry, extensions }), log.privateKey)
  return {
    version: 0,
    logId: claimLogId ?? log.logId,
    timestamp: millis,
    extensions,
    hashAlgorithm: HASH_SHA256,
    signatureAlgorithm: SIGNATURE_ECDSA,
    signature,
  }
}

export function publicKeyOf(log: KnownCtLog): KeyObject {
  return createPublicKey({ key: log.publicKeyDer, format: 'der', type: 'spki' })
}
