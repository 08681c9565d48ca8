/** Revocation (RFC 5280 §5 CRLs, RFC 6960 OCSP, RFC 7633 must-staple): the lab CA's services and the client's REV sources. */
export { issueCrl, type IssueCrlParams, type RevokedEntry } from './issue-crl.js'
export { certIdFor, decodeOcspRequest, decodeOcspResponse, encodeOcspFailure, encodeOcspRequest, encodeOcspResponse, type OcspCertId, type OcspCertStatus } from './ocsp-messages.js'
export { startRevocationServer, type RevocationServer, type StartRevocationServerParams } from './revocation-server.js'
export { startOcspInterceptor, type OcspInterceptor, type OcspInterference } from './ocsp-interceptor.js'
export { checkOcsp, type CheckOcspParams, type OcspFailureCode, type RevocationMode, type RevocationPolicy } from './check-ocsp.js'
export { fetchCrls, mergeRevocationSteps, type FetchedCrls } from './fetch-crls.js'
export { isMustStaple, ocspUrlsOf, crlUrlsOf } from './revocation-urls.js'
