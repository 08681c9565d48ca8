/**
 * RFC 6962 §3.2-3.3 structures in their TLS presentation-language encoding:
 * the SignedCertificateTimestamp, the list embedded in certificates, and the
 * data a log signs for a precertificate entry.
 */

/** X.509v3 extension carrying the SignedCertificateTimestampList (RFC 6962 §3.3). */
export const SCT_LIST_OID = '1.3.6.1.4.1.11129.2.4.2'
/** Critical poison extension that makes a precertificate unusable as a certificate (RFC 6962 §3.1). */
export const PRECERT_POISON_OID = '1.3.6.1.4.1.11129.2.4.3'

/** RFC 5246 §7.4.1.4.1 codes the SCT's digitally-signed struct uses. */
export const HASH_SHA256 = 4
export const SIGNATURE_ECDSA = 3
export const SIGNATURE_RSA = 1

export interface SignedCertificateTimestamp {
  version: number
  /** SHA-256 of the log's SubjectPublicKeyInfo. */
  logId: Buffer
  /** Milliseconds since the epoch. */
  timestamp: bigint
  extensions: Buffer
  hashAlgorithm: number
  signatureAlgorithm: number
  signature: Buffer
}

export function encodeSct(sct: SignedCertificateTimestamp): Buffer {
  const timestamp = Buffer.alloc(8)
  timestamp.writeBigUInt64BE(sct.timestamp)
  return Buffer.concat([
    Buffer.from([sct.version]),
    sct.logId,
    timestamp,
    withLength(sct.extensions, 2),
    Buffer.from([sct.hashAlgorithm, sct.signatureAlgorithm]),
    withLength(sct.signature, 2),
  ])
}

/** The TLS-encoded SignedCertificateTimestampList: opaque SerializedSCT<1..2^16-1> list<1..2^16-1>. */
export function encodeSctList(scts: SignedCertificateTimestamp[]): Buffer {
  return withLength(Buffer.concat(scts.map((sct) => withLength(encodeSct(sct), 2))), 2)
}

export type DecodedSctList = { ok: true; scts: SignedCertificateTimestamp[] } | { ok: false; reason: string }

/** Decodes a SignedCertificateTimestampList; malformed input is a value. Bounded by the input length. */
export function decodeSctList(bytes: Buffer): DecodedSctList {
  const list = readOpaque(bytes, 0, 2)
  if (list === null || list.end !== bytes.length) return { ok: false, reason: 'the SCT list length does not match its contents' }
  const scts: SignedCertificateTimestamp[] = []
  for (let offset = 0; offset < list.value.length; ) {
    const serialized = readOpaque(list.value, offset, 2)
    if (serialized === null) return { ok: false, reason: `SCT ${scts.length + 1} is truncated` }
    const sct = decodeSct(serialized.value)
    if (sct === null) return { ok: false, reason: `SCT ${scts.length + 1} is malformed` }
    scts.push(sct)
    offset = serialized.end
  }
  return scts.length === 0 ? { ok: false, reason: 'the SCT list is empty' } : { ok: true, scts }
}

function decodeSct(bytes: Buffer): SignedCertificateTimestamp | null {
  if (bytes.length < 1 + 32 + 8 + 2) return null
  const extensions = readOpaque(bytes, 41, 2)
  if (extensions === null || extensions.end + 2 > bytes.length) return null
  const signature = readOpaque(bytes, extensions.end + 2, 2)
  if (signature === null || signature.end !== bytes.length) return null
  return {
    version: bytes.readUInt8(0),
    logId: bytes.subarray(1, 33),
    timestamp: bytes.readBigUInt64BE(33),
    extensions: extensions.value,
    hashAlgorithm: bytes.readUInt8(extensions.end),
    signatureAlgorithm: bytes.readUInt8(extensions.end + 1),
    signature: signature.value,
  }
}

/**
 * What the log signs for a precertificate (RFC 6962 §3.2): version v1,
 * signature_type certificate_timestamp, the timestamp, entry_type
 * precert_entry, the issuer key hash and the TBS without the poison.
 */
export function precertSignedData(params: { timestamp: bigint; issuerKeyHash: Buffer; tbsDer: Buffer; extensions: Buffer }): Buffer {
  const timestamp = Buffer.alloc(8)
  timestamp.writeBigUInt64BE(params.timestamp)
  return Buffer.concat([
    Buffer.from([0, 0]),
    timestamp,
    Buffer.from([0, 1]),
    params.issuerKeyHash,
    withLength(params.tbsDer, 3),
    withLength(params.extensions, 2),
  ])
}

function withLength(value: Buffer, lengthBytes: 2 | 3): Buffer {
  const length = Buffer.alloc(lengthBytes)
  length.writeUIntBE(value.length, 0, lengthBytes)
  return Buffer.concat([length, value])
}

function readOpaque(bytes: Buffer, offset: number, lengthBytes: 2 | 3): { value: Buffer; end: number } | null {
  if (offset + lengthBytes > bytes.length) return null
  const length = bytes.readUIntBE(offset, lengthBytes)
  const end = offset + lengthBytes + length
  return end > bytes.length ? null : { value: bytes.subarray(offset + lengthBytes, end), end }
}
