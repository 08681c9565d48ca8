/**
 * The lab's certificate authority: the only module that imports node-forge.
 * Everything outside `ca/` sees DER/PEM bytes and plain objects.
 */
export { generateKeyPair, keyPairFromPem, describeKeySpec, type KeyPair, type KeySpec } from './key-pair.js'
export { issueCertificate, derToPem, toX509, type IssueCertificateParams, type IssuedCertificate } from './issue-certificate.js'
export { formatName, type NameSpec } from './distinguished-name.js'
export type { GeneralNameSpec, SubtreeSpec } from './general-names.js'
export { EKU_OIDS, keyIdentifier, type EkuName, type KeyUsageName, type NameConstraintsSpec, type BasicConstraintsSpec, type RawExtensionSpec } from './extensions.js'
export type { SignatureHash, RsaPadding } from './signature-algorithm.js'
export { loadOrCreateLabPki, createLabPki, chainPem, LAB_HOSTS, LAB_IPS, LAB_PERMITTED_SUBTREES, type LabPki, type LabPkiRole } from './lab-pki.js'
export { LeafCache, type LeafCacheParams, type LeafCacheStats } from './leaf-cache.js'
