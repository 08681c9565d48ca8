/** A parsed X.509 certificate (RFC 5280 §4.1), with the exact bytes the verifier compares. */
export interface ParsedCertificate {
  der: Uint8Array
  /** TBSCertificate DER: what the issuer signed. */
  tbsDer: Uint8Array
  /** 1, 2 or 3 (RFC 5280 §4.1.2.1). */
  version: number
  /** The serial INTEGER contents octets (two's complement, as encoded). */
  serial: Uint8Array
  serialHex: string
  /** Certificate.signatureAlgorithm (outer). */
  signatureAlgorithm: AlgorithmIdentifier
  /** TBSCertificate.signature (inner); RFC 5280 §4.1.1.2 requires it to equal the outer one. */
  tbsSignatureAlgorithm: AlgorithmIdentifier
  signature: Uint8Array
  issuerDer: Uint8Array
  subjectDer: Uint8Array
  issuer: DistinguishedName
  subject: DistinguishedName
  notBefore: Date
  notAfter: Date
  spkiDer: Uint8Array
  publicKey: PublicKeyInfo
  extensions: ParsedExtension[]
  basicConstraints: BasicConstraintsInfo | null
  /** Key usage bit names, or null when the extension is absent. */
  keyUsage: Set<KeyUsageName> | null
  /** EKU OIDs, or null when absent. */
  extendedKeyUsage: string[] | null
  subjectAltNames: GeneralName[] | null
  nameConstraints: NameConstraintsInfo | null
  subjectKeyId: Uint8Array | null
  authorityKeyId: AuthorityKeyIdInfo | null
  /** Structural problems that do not stop parsing but a verifier must reject (malformed or duplicate extensions). */
  problems: CertificateProblem[]
}

export interface AlgorithmIdentifier {
  oid: string
  /** The parameters' DER, or null when absent. */
  parametersDer: Uint8Array | null
  /** The whole AlgorithmIdentifier DER, for byte comparison. */
  der: Uint8Array
}

export interface NameAttribute {
  oid: string
  /** The string value (UTF-8/latin1 decoded), or hex for non-string values. */
  value: string
  /** The ASN.1 universal tag of the value (12 UTF8String, 19 PrintableString, 22 IA5String, ...). */
  valueTag: number
}

/** RDNSequence: each inner array is one RelativeDistinguishedName. */
export type DistinguishedName = NameAttribute[][]

export type PublicKeyInfo =
  | { kind: 'rsa'; bits: number }
  | { kind: 'ec'; curve: 'P-192' | 'P-224' | 'P-256' | 'P-384' | 'P-521' | null; explicitParameters: boolean }
  | { kind: 'ed25519' }
  | { kind: 'ed448' }
  /** ML-DSA (FIPS 204) at security level 44, 65 or 87 (draft-ietf-lamps-dilithium-certificates §4). */
  | { kind: 'ml-dsa'; level: 44 | 65 | 87 }
  | { kind: 'dsa' }
  | { kind: 'unknown'; oid: string }

export interface ParsedExtension {
  oid: string
  critical: boolean
  /** extnValue contents (the DER inside the OCTET STRING). */
  value: Uint8Array
}

export interface BasicConstraintsInfo {
  isCa: boolean
  pathLen: number | null
  critical: boolean
}

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly'

/** RFC 5280 §4.2.1.6 GeneralName, keeping exact bytes (NULs survive in `value`, latin1-decoded). */
export type GeneralName =
  | { type: 'dns'; value: string }
  | { type: 'email'; value: string }
  | { type: 'uri'; value: string }
  | { type: 'ip'; bytes: Uint8Array }
  | { type: 'dn'; der: Uint8Array; name: DistinguishedName }
  | { type: 'other'; tag: number }

export interface NameConstraintsInfo {
  permitted: GeneralName[] | null
  excluded: GeneralName[] | null
  critical: boolean
}

export interface AuthorityKeyIdInfo {
  keyIdentifier: Uint8Array | null
  hasIssuerAndSerial: boolean
  critical: boolean
}

export interface CertificateProblem {
  code: 'EXTENSION_MALFORMED' | 'DUPLICATE_EXTENSION'
  oid: string
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string }
