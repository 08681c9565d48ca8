/** Certificate Transparency (RFC 6962): lab logs, SCT issuance via precertificates, and the client's CT step. */
export { createCtLog, knownLog, logIdOf, signPrecertSct, type CtLog, type KnownCtLog } from './ct-log.js'
export { issueLoggedCertificate, type LoggedCertificate, type SctSpec } from './issue-logged-certificate.js'
export { checkCertificateTransparency, type CtPolicy, type CtFailureCode, type CheckCtParams } from './check-ct.js'
export { labCtLogs, labCtPolicy, type LabCtLogs } from './lab-ct-logs.js'
export { SCT_LIST_OID, PRECERT_POISON_OID, decodeSctList, encodeSctList } from './signed-certificate-timestamp.js'
