import { createHash } from 'node:crypto'

/** base64 SHA-256 of a SubjectPublicKeyInfo DER: the RFC 7469 §2.4 pin format. */
export function spkiSha256Base64(spkiDer: Uint8Array): string {
  return createHash('sha256').update(spkiDer).digest('base64')
}

/** hex SHA-256 of a whole certificate DER. */
export function fingerprintSha256Hex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex')
}
