import { decodeOid, readChildren, readSingle } from '../x509/der-reader.js'

/** A DER TLV with a definite, minimal length (X.690 §10.1). */
export function encodeTlv(identifier: number, contents: Uint8Array): Buffer {
  const length = contents.length
  const lengthBytes: number[] = []
  if (length < 0x80) lengthBytes.push(length)
  else {
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes.unshift(rest % 256)
    lengthBytes.unshift(0x80 | lengthBytes.length)
  }
  return Buffer.concat([Buffer.from([identifier, ...lengthBytes]), contents])
}

/** The TBSCertificate DER of a certificate, byte for byte as signed; null if malformed. */
export function tbsOf(certificateDer: Uint8Array): Buffer | null {
  const certificate = readSingle(certificateDer)
  const tbs = certificate === null ? undefined : readChildren(certificate.value)?.[0]
  return tbs === undefined ? null : Buffer.from(tbs.raw)
}

/**
 * The TBSCertificate with one extension removed and everything else kept as
 * encoded. RFC 6962 §3.2: the SCT signs the precertificate's TBS without the
 * poison extension, which is the final certificate's TBS without the SCT list,
 * so both sides rebuild the same bytes with this. When the extension was the
 * only one, the [3] extensions field goes too (Extensions is SIZE (1..MAX)).
 * Null if the certificate is malformed.
 */
export function tbsWithoutExtension(certificateDer: Uint8Array, oid: string): Buffer | null {
  const tbsDer = tbsOf(certificateDer)
  const tbs = tbsDer === null ? null : readSingle(tbsDer)
  const fields = tbs === null ? null : readChildren(tbs.value)
  if (tbs === null || fields === null) return null
  const rebuilt: Uint8Array[] = []
  for (const field of fields) {
    // [3] EXPLICIT Extensions (RFC 5280 §4.1).
    if (field.identifier !== 0xa3) {
      rebuilt.push(field.raw)
      continue
    }
    const sequence = readSingle(field.value)
    const extensions = sequence === null ? null : readChildren(sequence.value)
    if (extensions === null) return null
    const kept = extensions.filter((extension) => {
      const oidTlv = readChildren(extension.value)?.[0]
      return oidTlv === undefined || decodeOid(oidTlv.value) !== oid
    })
    if (kept.length > 0) rebuilt.push(encodeTlv(0xa3, encodeTlv(0x30, Buffer.concat(kept.map((e) => e.raw)))))
  }
  return encodeTlv(0x30, Buffer.concat(rebuilt))
}
