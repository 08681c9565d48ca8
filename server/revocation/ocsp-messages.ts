import { createHash } from 'node:crypto'
import {
  BasicOCSPResponse,
  CertID,
  CertStatus,
  id_pkix_ocsp_basic,
  id_pkix_ocsp_nonce,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  Request,
  ResponderID,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
  TBSRequest,
} from '@peculiar/asn1-ocsp'
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import { AlgorithmIdentifier, CRLReason, Extension, type Certificate, type CRLReasons } from '@peculiar/asn1-x509'
import { keyIdentifier, type IssuedCertificate } from '../../ca/index.js'
import { readChildren, readSingle, toHex } from '../x509/der-reader.js'
import { parseCertificate } from '../x509/index.js'
import { caSignatureAlgorithm, signAsCa } from './signing.js'

const SHA1 = '1.3.14.3.2.26'

/** RFC 6960 §4.1.1 CertID as plain values: SHA-1 hashes of the issuer name and key, and the serial. */
export interface OcspCertId {
  issuerNameHash: Buffer
  issuerKeyHash: Buffer
  serialHex: string
}

export type OcspCertStatus = { kind: 'good' } | { kind: 'revoked'; revokedAt: Date; reason: CRLReasons | null } | { kind: 'unknown' }

/** RFC 6960 §4.2.1 responseStatus names. */
export type OcspFailureStatus = 'malformedRequest' | 'internalError' | 'tryLater' | 'sigRequired' | 'unauthorized'

/** The CertID a client asks about: issuer name and key hashed with SHA-1, as browsers and OpenSSL send it. */
export function certIdFor(leafDer: Uint8Array, issuerDer: Uint8Array): OcspCertId | null {
  const leaf = parseCertificate(leafDer)
  const issuer = parseCertificate(issuerDer)
  if (!leaf.ok || !issuer.ok) return null
  return {
    issuerNameHash: createHash('sha1').update(leaf.value.issuerDer).digest(),
    issuerKeyHash: keyIdentifier(Buffer.from(issuer.value.spkiDer)),
    serialHex: leaf.value.serialHex,
  }
}

export function encodeOcspRequest(certIds: OcspCertId[], nonce?: Buffer): Buffer {
  const tbsRequest = new TBSRequest({ requestList: certIds.map((certId) => new Request({ reqCert: toAsnCertId(certId) })) })
  if (nonce !== undefined) tbsRequest.requestExtensions = [nonceExtension(nonce)]
  return Buffer.from(AsnConvert.serialize(new OCSPRequest({ tbsRequest })))
}

export type DecodedOcspRequest = { ok: true; certIds: OcspCertId[]; nonce: Extension | null } | { ok: false; reason: string }

export function decodeOcspRequest(der: Uint8Array): DecodedOcspRequest {
  try {
    const request = AsnConvert.parse(der, OCSPRequest)
    const certIds = request.tbsRequest.requestList.map((entry) => fromAsnCertId(entry.reqCert))
    const nonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce) ?? null
    return certIds.length === 0 ? { ok: false, reason: 'the request asks about no certificate' } : { ok: true, certIds, nonce }
  } catch (cause) {
    return { ok: false, reason: cause instanceof Error ? cause.message : String(cause) }
  }
}

export interface OcspAnswer {
  certId: OcspCertId
  status: OcspCertStatus
  thisUpdate: Date
  nextUpdate: Date
}

/**
 * A successful basic OCSP response (RFC 6960 §4.2.1) signed by the CA itself
 * (§4.2.2.2 allows the issuing CA as responder), responder named by key hash.
 */
export function encodeOcspResponse(params: { responder: IssuedCertificate; producedAt: Date; answers: OcspAnswer[]; nonce?: Extension | null }): Buffer {
  const tbsResponseData = new ResponseData({
    responderID: new ResponderID({ byKey: new OctetString(keyIdentifier(params.responder.key.spkiDer)) }),
    producedAt: params.producedAt,
    responses: params.answers.map(
      (answer) =>
        new SingleResponse({
          certID: toAsnCertId(answer.certId),
          certStatus: toAsnStatus(answer.status),
          thisUpdate: answer.thisUpdate,
          nextUpdate: answer.nextUpdate,
        }),
    ),
  })
  if (params.nonce !== undefined && params.nonce !== null) tbsResponseData.responseExtensions = [params.nonce]
  const signed = signAsCa(params.responder.key.privateKey, Buffer.from(AsnConvert.serialize(tbsResponseData)))
  const basic = new BasicOCSPResponse({
    tbsResponseData,
    signatureAlgorithm: caSignatureAlgorithm(params.responder.key.privateKey),
    signature: toArrayBuffer(signed.signature),
  })
  const response = new OCSPResponse({
    responseStatus: OCSPResponseStatus.successful,
    responseBytes: new ResponseBytes({ responseType: id_pkix_ocsp_basic, response: new OctetString(AsnConvert.serialize(basic)) }),
  })
  return Buffer.from(AsnConvert.serialize(response))
}

/** An unsuccessful response: status only, no responseBytes and so no signature (RFC 6960 §4.2.1). */
export function encodeOcspFailure(status: OcspFailureStatus): Buffer {
  return Buffer.from(AsnConvert.serialize(new OCSPResponse({ responseStatus: OCSPResponseStatus[status] })))
}

export interface DecodedBasicResponse {
  /** ResponseData DER exactly as signed. */
  tbsDer: Uint8Array
  signatureAlgorithmOid: string
  signature: Uint8Array
  /** The responder's key hash when named byKey. */
  responderKeyHash: Buffer | null
  answers: { certId: OcspCertId; status: OcspCertStatus; thisUpdate: Date; nextUpdate: Date | null }[]
  /** Certificates the responder included (a delegated responder's certificate), DER. */
  certs: Buffer[]
}

export type DecodedOcspResponse =
  | { ok: true; status: 'successful'; basic: DecodedBasicResponse }
  | { ok: true; status: OcspFailureStatus }
  | { ok: false; reason: string }

/** Decodes an OCSPResponse; malformed bytes are a value, never an exception. */
export function decodeOcspResponse(der: Uint8Array): DecodedOcspResponse {
  try {
    const response = AsnConvert.parse(der, OCSPResponse)
    if (response.responseStatus !== OCSPResponseStatus.successful) {
      const name = OCSPResponseStatus[response.responseStatus] as OcspFailureStatus | undefined
      return name === undefined ? { ok: false, reason: `unknown responseStatus ${response.responseStatus}` } : { ok: true, status: name }
    }
    const bytes = response.responseBytes
    if (bytes === undefined || bytes.responseType !== id_pkix_ocsp_basic) return { ok: false, reason: 'not a basic OCSP response' }
    const basicDer = new Uint8Array(bytes.response.buffer)
    const basic = AsnConvert.parse(basicDer, BasicOCSPResponse)
    const tbs = readChildren(readSingle(basicDer)?.value ?? new Uint8Array())?.[0]
    if (tbs === undefined) return { ok: false, reason: 'malformed BasicOCSPResponse' }
    const data = basic.tbsResponseData
    return {
      ok: true,
      status: 'successful',
      basic: {
        tbsDer: tbs.raw,
        signatureAlgorithmOid: basic.signatureAlgorithm.algorithm,
        signature: new Uint8Array(basic.signature),
        responderKeyHash: data.responderID.byKey === undefined ? null : Buffer.from(data.responderID.byKey.buffer),
        answers: data.responses.map((single) => ({
          certId: fromAsnCertId(single.certID),
          status: fromAsnStatus(single.certStatus),
          thisUpdate: single.thisUpdate,
          nextUpdate: single.nextUpdate ?? null,
        })),
        certs: (basic.certs ?? []).map((cert: Certificate) => Buffer.from(AsnConvert.serialize(cert))),
      },
    }
  } catch (cause) {
    return { ok: false, reason: cause instanceof Error ? cause.message : String(cause) }
  }
}

export function sameCertId(a: OcspCertId, b: OcspCertId): boolean {
  return a.issuerNameHash.equals(b.issuerNameHash) && a.issuerKeyHash.equals(b.issuerKeyHash) && a.serialHex === b.serialHex
}

function toAsnCertId(certId: OcspCertId): CertID {
  return new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: SHA1, parameters: null }),
    issuerNameHash: new OctetString(certId.issuerNameHash),
    issuerKeyHash: new OctetString(certId.issuerKeyHash),
    serialNumber: toArrayBuffer(Buffer.from(certId.serialHex, 'hex')),
  })
}

function fromAsnCertId(certId: CertID): OcspCertId {
  return {
    issuerNameHash: Buffer.from(certId.issuerNameHash.buffer),
    issuerKeyHash: Buffer.from(certId.issuerKeyHash.buffer),
    serialHex: toHex(new Uint8Array(certId.serialNumber)),
  }
}

function toAsnStatus(status: OcspCertStatus): CertStatus {
  if (status.kind === 'good') return new CertStatus({ good: null })
  if (status.kind === 'unknown') return new CertStatus({ unknown: null })
  const info = new RevokedInfo({ revocationTime: status.revokedAt })
  if (status.reason !== null) info.revocationReason = new CRLReason(status.reason)
  return new CertStatus({ revoked: info })
}

function fromAsnStatus(status: CertStatus): OcspCertStatus {
  if (status.revoked !== undefined) {
    return { kind: 'revoked', revokedAt: status.revoked.revocationTime, reason: status.revoked.revocationReason?.reason ?? null }
  }
  return status.unknown !== undefined ? { kind: 'unknown' } : { kind: 'good' }
}

function nonceExtension(nonce: Buffer): Extension {
  return new Extension({ extnID: id_pkix_ocsp_nonce, critical: false, extnValue: new OctetString(AsnConvert.serialize(new OctetString(nonce))) })
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}
