import { sign } from 'node:crypto'
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import { AlgorithmIdentifier, CertificateList, CRLNumber, Extension, Name, RevokedCertificate, TBSCertList, Time, Version } from '@peculiar/asn1-x509'
import type { IssuedCertificate } from '../../../../ca/index.js'
import { parseCertificate } from '../../../../server/x509/index.js'

export interface MakeCrlParams {
  issuer: IssuedCertificate
  revoked?: IssuedCertificate[]
  thisUpdate: Date
  nextUpdate: Date
  /** Default: true. */
  withCrlNumber?: boolean
  /** Marks the CRL number critical (RFC 5280 §5.2.3 says it MUST NOT be). Default: false. */
  crlNumberCritical?: boolean
}

/** A CRL (RFC 5280 §5) signed with ECDSA-SHA256 by a P-256 issuer, built with @peculiar and node:crypto. */
export function makeCrl(params: MakeCrlParams): Uint8Array {
  const issuerCert = parseCertificate(params.issuer.der)
  if (!issuerCert.ok) throw new Error(issuerCert.reason)
  const algorithm = new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' })
  const tbs = new TBSCertList({
    version: Version.v2,
    signature: algorithm,
    issuer: AsnConvert.parse(issuerCert.value.subjectDer, Name),
    thisUpdate: new Time(params.thisUpdate),
    nextUpdate: new Time(params.nextUpdate),
    ...((params.revoked ?? []).length > 0
      ? {
          revokedCertificates: (params.revoked ?? []).map(
            (cert) => new RevokedCertificate({ userCertificate: Uint8Array.from(Buffer.from(cert.serialNumber, 'hex')).buffer, revocationDate: new Time(params.thisUpdate) }),
          ),
        }
      : {}),
    ...(params.withCrlNumber === false
      ? {}
      : { crlExtensions: [new Extension({ extnID: '2.5.29.20', critical: params.crlNumberCritical === true, extnValue: new OctetString(AsnConvert.serialize(new CRLNumber(1))) })] }),
  })
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs))
  const signature = sign('sha256', tbsDer, params.issuer.key.privateKey)
  const list = new CertificateList({ tbsCertList: tbs, signatureAlgorithm: algorithm, signature: Uint8Array.from(signature).buffer })
  return new Uint8Array(AsnConvert.serialize(list))
}
