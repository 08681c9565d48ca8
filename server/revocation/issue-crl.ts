import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import {
  AuthorityKeyIdentifier,
  Certificate,
  CertificateList,
  CRLNumber,
  CRLReason,
  CRLReasons,
  Extension,
  id_ce_authorityKeyIdentifier,
  id_ce_cRLNumber,
  id_ce_cRLReasons,
  KeyIdentifier,
  RevokedCertificate,
  TBSCertList,
  Time,
  Version,
} from '@peculiar/asn1-x509'
import { keyIdentifier, type IssuedCertificate } from '../../ca/index.js'
import { caSignatureAlgorithm, signAsCa } from './signing.js'

export interface RevokedEntry {
  /** Hex of the serial number's INTEGER contents. */
  serialHex: string
  revokedAt: Date
  /** RFC 5280 §5.3.1 reason; default keyCompromise (the stolen-key story). */
  reason?: CRLReasons
}

export interface IssueCrlParams {
  issuer: IssuedCertificate
  revoked: RevokedEntry[]
  thisUpdate: Date
  nextUpdate: Date
  crlNumber: number
}

/**
 * A v2 CRL (RFC 5280 §5) signed by `issuer` with node:crypto: issuer name
 * copied from the CA certificate, thisUpdate/nextUpdate, one entry per
 * revoked serial with its reason code, and the CRL number and authority key
 * identifier a conforming CRL carries (§5.2.1, §5.2.3).
 *
 * @example
 * const der = issueCrl({ issuer: pki.trustedIntermediate, revoked: [{ serialHex, revokedAt }], thisUpdate, nextUpdate, crlNumber: 1 })
 */
export function issueCrl(params: IssueCrlParams): Buffer {
  const issuerCertificate = AsnConvert.parse(params.issuer.der, Certificate)
  const extension = (extnID: string, value: unknown): Extension =>
    new Extension({ extnID, critical: false, extnValue: new OctetString(AsnConvert.serialize(value)) })
  const tbs = new TBSCertList({
    version: Version.v2,
    issuer: issuerCertificate.tbsCertificate.subject,
    thisUpdate: new Time(params.thisUpdate),
    nextUpdate: new Time(params.nextUpdate),
    crlExtensions: [
      extension(id_ce_authorityKeyIdentifier, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyIdentifier(params.issuer.key.spkiDer)) })),
      extension(id_ce_cRLNumber, new CRLNumber(params.crlNumber)),
    ],
  })
  if (params.revoked.length > 0) {
    tbs.revokedCertificates = params.revoked.map(
      (entry) =>
        new RevokedCertificate({
          userCertificate: toArrayBuffer(Buffer.from(entry.serialHex, 'hex')),
          revocationDate: new Time(entry.revokedAt),
          crlEntryExtensions: [extension(id_ce_cRLReasons, new CRLReason(entry.reason ?? CRLReasons.keyCompromise))],
        }),
    )
  }
  tbs.signature = caSignatureAlgorithm(params.issuer.key.privateKey)
  const signed = signAsCa(params.issuer.key.privateKey, Buffer.from(AsnConvert.serialize(tbs)))
  const list = new CertificateList({ tbsCertList: tbs, signatureAlgorithm: signed.algorithm, signature: toArrayBuffer(signed.signature) })
  return Buffer.from(AsnConvert.serialize(list))
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}
