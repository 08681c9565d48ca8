import type { StepId } from '../steps/step-ids.js'

/**
 * Every verifier failure code: one closed union, each a fact about the
 * certificates (style.md §3). The doc sentence is the rule; the sentence shown
 * to people comes from describeFailure().
 */
export type FailureCode =
  /** No certificate was presented. */
  | 'NO_CERTIFICATES'
  /** The leaf is not a well-formed DER certificate. */
  | 'CERT_MALFORMED'
  /** The issuer of the last certificate on the path is neither a trust anchor nor presented. */
  | 'UNKNOWN_ISSUER'
  /** The path ends in a self-signed certificate that is not a trust anchor. */
  | 'UNTRUSTED_ROOT'
  /** The leaf signs itself and is not issued by a trust anchor. */
  | 'SELF_SIGNED_LEAF'
  /** Every path to an anchor is longer than the allowed depth. */
  | 'MAX_DEPTH_EXCEEDED'
  /** Path building used up its work budget before finding a valid path. */
  | 'PATH_BUDGET_EXCEEDED'
  /** A signature on the path does not verify with the issuer's key. */
  | 'BAD_SIGNATURE'
  /** The issuer's public key cannot be loaded, so nothing it signed can be verified. */
  | 'INVALID_ISSUER_KEY'
  /** The signed TBSCertificate.signature algorithm differs from Certificate.signatureAlgorithm (RFC 5280 §4.1.1.2). */
  | 'SIGNATURE_ALGORITHM_MISMATCH'
  /** A certificate on the path has expired. */
  | 'CERT_EXPIRED'
  /** A certificate on the path is not valid yet. */
  | 'CERT_NOT_YET_VALID'
  /** The leaf names neither the expected DNS name nor the expected IP address. */
  | 'HOSTNAME_MISMATCH'
  /** The leaf carries no subjectAltName with a DNS name or IP address, and CN fallback is off. */
  | 'NO_SUBJECT_ALT_NAME'
  /** The expected host is not a valid DNS name or IP literal. */
  | 'INVALID_REFERENCE_NAME'
  /** The leaf is a CA certificate, which the webpki profile refuses as an end entity. */
  | 'CA_USED_AS_END_ENTITY'
  /** A certificate that is not a CA (cA FALSE, no basicConstraints, or v1) issued another. */
  | 'END_ENTITY_USED_AS_CA'
  /** A CA's basicConstraints extension is not marked critical (RFC 5280 §4.2.1.9 MUST). */
  | 'BASIC_CONSTRAINTS_NOT_CRITICAL'
  /** More intermediates follow a CA than its pathLenConstraint allows. */
  | 'PATH_LEN_EXCEEDED'
  /** A CA's keyUsage lacks keyCertSign. */
  | 'ISSUER_NOT_CERT_SIGNER'
  /** The leaf's keyUsage lacks a usage the connection needs (e.g. digitalSignature for ECDHE). */
  | 'LEAF_KEY_USAGE_INSUFFICIENT'
  /** A certificate asserts keyCertSign without being a CA (RFC 5280 §4.2.1.3). */
  | 'KEY_CERT_SIGN_WITHOUT_CA'
  /** The leaf's extendedKeyUsage does not include serverAuth. */
  | 'EKU_MISSING_SERVER_AUTH'
  /** A CA's extendedKeyUsage excludes serverAuth, so it cannot vouch for servers. */
  | 'ISSUER_EKU_MISSING_SERVER_AUTH'
  /** A name in a certificate is outside the permitted subtrees of a CA above it. */
  | 'NAME_NOT_PERMITTED'
  /** A name in a certificate is inside an excluded subtree of a CA above it. */
  | 'NAME_EXCLUDED'
  /** A nameConstraints extension is malformed, empty, or has an invalid base. */
  | 'NAME_CONSTRAINTS_INVALID'
  /** A name constrained by a CA cannot be checked (unsupported or malformed name form). */
  | 'NAME_CONSTRAINTS_UNCHECKABLE'
  /** Comparing names against constraints exceeded the work budget. */
  | 'NAME_CONSTRAINTS_BUDGET_EXCEEDED'
  /** A signature uses MD5 or SHA-1. */
  | 'WEAK_SIGNATURE_HASH'
  /** An RSA key is shorter than 2048 bits or not a whole number of bytes. */
  | 'WEAK_RSA_KEY'
  /** An EC key uses explicit curve parameters (RFC 5480 §2.1.1 forbids them). */
  | 'EC_EXPLICIT_PARAMETERS'
  /** A key type or curve that the profile does not allow (DSA, P-192, ...). */
  | 'UNSUPPORTED_KEY_TYPE'
  /** A signature algorithm that the profile does not allow or that does not fit the key. */
  | 'UNSUPPORTED_SIGNATURE_ALGORITHM'
  /** A certificate carries a critical extension the verifier does not understand. */
  | 'UNKNOWN_CRITICAL_EXTENSION'
  /** A known extension cannot be decoded. */
  | 'EXTENSION_MALFORMED'
  /** An extension appears twice (RFC 5280 §4.2). */
  | 'DUPLICATE_EXTENSION'
  /** An extension that MUST be non-critical (or critical) is marked otherwise. */
  | 'EXTENSION_CRITICALITY_INVALID'
  /** A certificate lacks an extension its role requires (AKI, SKI, SAN with an empty subject). */
  | 'REQUIRED_EXTENSION_MISSING'
  /** A certificate's issuer or subject field is empty where RFC 5280 §4.1.2.4/§4.1.2.6 forbids it. */
  | 'EMPTY_NAME'
  /** A serial number is zero, negative or longer than 20 octets (RFC 5280 §4.1.2.2). */
  | 'INVALID_SERIAL_NUMBER'
  /** A certificate is not v3 where the profile requires it. */
  | 'UNSUPPORTED_VERSION'
  /** A certificate on the path is listed as revoked by its issuer's CRL. */
  | 'CERT_REVOKED'
  /** A CRL is malformed, badly signed, outdated, or its issuer lacks cRLSign. */
  | 'CRL_INVALID'
  /** No presented SPKI matches a configured pin. */
  | 'PIN_MISMATCH'

/**
 * How specific each failure is, most specific first (webpki's `Error::rank`). Used both
 * to pick the reported path among failing candidates and to name the catching
 * step on that path. "Could not find an issuer" codes come last so that a
 * path reaching an anchor with a definite defect beats a dead end; the budget
 * comes first because it is fatal. Only the order matters, so it is written as
 * an order: there are no rank numbers to get subtly wrong.
 */
const FAILURE_ORDER = [
  'PATH_BUDGET_EXCEEDED',
  'NO_CERTIFICATES',
  'CERT_MALFORMED',
  'BAD_SIGNATURE',
  'INVALID_ISSUER_KEY',
  'SIGNATURE_ALGORITHM_MISMATCH',
  'CERT_EXPIRED',
  'CERT_NOT_YET_VALID',
  'INVALID_REFERENCE_NAME',
  'HOSTNAME_MISMATCH',
  'NO_SUBJECT_ALT_NAME',
  'CA_USED_AS_END_ENTITY',
  'END_ENTITY_USED_AS_CA',
  'BASIC_CONSTRAINTS_NOT_CRITICAL',
  'PATH_LEN_EXCEEDED',
  'ISSUER_NOT_CERT_SIGNER',
  'KEY_CERT_SIGN_WITHOUT_CA',
  'LEAF_KEY_USAGE_INSUFFICIENT',
  'EKU_MISSING_SERVER_AUTH',
  'ISSUER_EKU_MISSING_SERVER_AUTH',
  'NAME_CONSTRAINTS_BUDGET_EXCEEDED',
  'NAME_EXCLUDED',
  'NAME_NOT_PERMITTED',
  'NAME_CONSTRAINTS_INVALID',
  'NAME_CONSTRAINTS_UNCHECKABLE',
  'WEAK_SIGNATURE_HASH',
  'WEAK_RSA_KEY',
  'EC_EXPLICIT_PARAMETERS',
  'UNSUPPORTED_KEY_TYPE',
  'UNSUPPORTED_SIGNATURE_ALGORITHM',
  'UNKNOWN_CRITICAL_EXTENSION',
  'EXTENSION_MALFORMED',
  'DUPLICATE_EXTENSION',
  'EXTENSION_CRITICALITY_INVALID',
  'REQUIRED_EXTENSION_MISSING',
  'EMPTY_NAME',
  'UNSUPPORTED_VERSION',
  'INVALID_SERIAL_NUMBER',
  'CERT_REVOKED',
  'CRL_INVALID',
  'PIN_MISMATCH',
  'MAX_DEPTH_EXCEEDED',
  'SELF_SIGNED_LEAF',
  'UNTRUSTED_ROOT',
  'UNKNOWN_ISSUER',
] as const satisfies readonly FailureCode[]

// Every code has a place in the order (a new code without one is a type error here).
const everyCodeRanked: [Exclude<FailureCode, (typeof FAILURE_ORDER)[number]>] extends [never] ? true : never = true
void everyCodeRanked

/** The rank of each code: higher wins. */
export const FAILURE_RANK: Readonly<Record<FailureCode, number>> = Object.fromEntries(
  FAILURE_ORDER.map((code, index) => [code, FAILURE_ORDER.length - index]),
) as Record<FailureCode, number>

/** The step that reports each code. */
export const FAILURE_STEP = {
  NO_CERTIFICATES: 'TRUST',
  CERT_MALFORMED: 'TRUST',
  UNKNOWN_ISSUER: 'TRUST',
  UNTRUSTED_ROOT: 'TRUST',
  SELF_SIGNED_LEAF: 'TRUST',
  MAX_DEPTH_EXCEEDED: 'TRUST',
  PATH_BUDGET_EXCEEDED: 'TRUST',
  BAD_SIGNATURE: 'SIG',
  INVALID_ISSUER_KEY: 'SIG',
  SIGNATURE_ALGORITHM_MISMATCH: 'SIG',
  CERT_EXPIRED: 'DATES',
  CERT_NOT_YET_VALID: 'DATES',
  HOSTNAME_MISMATCH: 'HOST',
  NO_SUBJECT_ALT_NAME: 'HOST',
  INVALID_REFERENCE_NAME: 'HOST',
  CA_USED_AS_END_ENTITY: 'BC',
  END_ENTITY_USED_AS_CA: 'BC',
  BASIC_CONSTRAINTS_NOT_CRITICAL: 'BC',
  PATH_LEN_EXCEEDED: 'PATHLEN',
  ISSUER_NOT_CERT_SIGNER: 'KU',
  KEY_CERT_SIGN_WITHOUT_CA: 'KU',
  LEAF_KEY_USAGE_INSUFFICIENT: 'KU',
  EKU_MISSING_SERVER_AUTH: 'EKU',
  ISSUER_EKU_MISSING_SERVER_AUTH: 'EKU',
  NAME_NOT_PERMITTED: 'NC',
  NAME_EXCLUDED: 'NC',
  NAME_CONSTRAINTS_INVALID: 'NC',
  NAME_CONSTRAINTS_UNCHECKABLE: 'NC',
  NAME_CONSTRAINTS_BUDGET_EXCEEDED: 'NC',
  WEAK_SIGNATURE_HASH: 'ALG',
  WEAK_RSA_KEY: 'ALG',
  EC_EXPLICIT_PARAMETERS: 'ALG',
  UNSUPPORTED_KEY_TYPE: 'ALG',
  UNSUPPORTED_SIGNATURE_ALGORITHM: 'ALG',
  UNKNOWN_CRITICAL_EXTENSION: 'CRIT',
  EXTENSION_MALFORMED: 'CRIT',
  DUPLICATE_EXTENSION: 'CRIT',
  EXTENSION_CRITICALITY_INVALID: 'CRIT',
  REQUIRED_EXTENSION_MISSING: 'CRIT',
  EMPTY_NAME: 'CRIT',
  UNSUPPORTED_VERSION: 'CRIT',
  INVALID_SERIAL_NUMBER: 'CRIT',
  CERT_REVOKED: 'REV',
  CRL_INVALID: 'REV',
  PIN_MISMATCH: 'PIN',
} as const satisfies Record<FailureCode, StepId>

/** Why a step did not run. */
export type SkipCode = 'NOT_CONFIGURED' | 'NOT_APPLICABLE' | 'NO_PATH' | 'UNSUPPORTED_ALGORITHM'
