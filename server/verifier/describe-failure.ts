import type { StepId } from '../steps/step-ids.js'
import type { FailureCode, SkipCode } from './codes.js'

/** Context a failure carries; every field optional, each check fills what its sentence needs. */
export interface FailureDetail {
  subject?: string
  issuer?: string
  expected?: string
  presented?: string[]
  now?: string
  notBefore?: string
  notAfter?: string
  pathLen?: number
  below?: number
  oid?: string
  name?: string
  constraint?: string
  algorithm?: string
  key?: string
  depth?: number
  reason?: string
  [key: string]: unknown
}

const who = (d: FailureDetail): string => (d.subject !== undefined && d.subject !== '' ? `"${d.subject}"` : 'A certificate')

/** The one place failure sentences are written (style.md §4). */
export function describeFailure(code: FailureCode, d: FailureDetail): string {
  switch (code) {
    case 'NO_CERTIFICATES':
      return 'The server presented no certificate'
    case 'CERT_MALFORMED':
      return `The server's certificate is not valid DER (${d.reason ?? 'unreadable'})`
    case 'UNKNOWN_ISSUER':
      return `Nobody trusted vouches for ${who(d)}: its issuer "${d.issuer ?? '?'}" is neither a trust anchor nor presented`
    case 'UNTRUSTED_ROOT':
      return `The chain ends at "${d.subject ?? '?'}", a self-signed root that is not trusted`
    case 'SELF_SIGNED_LEAF':
      return `The certificate for ${d.expected ?? 'the host'} is self-signed and not trusted`
    case 'MAX_DEPTH_EXCEEDED':
      return `Every path to a trust anchor is longer than the allowed depth of ${d.depth ?? '?'}`
    case 'PATH_BUDGET_EXCEEDED':
      return 'Building the certification path took too much work and was abandoned'
    case 'BAD_SIGNATURE':
      return `The signature on ${who(d)} does not verify with the key of "${d.issuer ?? '?'}"`
    case 'INVALID_ISSUER_KEY':
      return `The public key of "${d.issuer ?? '?'}" cannot be used to verify ${who(d)}`
    case 'SIGNATURE_ALGORITHM_MISMATCH':
      return `${who(d)} names two different signature algorithms inside and outside its signed part`
    case 'CERT_EXPIRED':
      return `${who(d)} expired on ${d.notAfter ?? '?'} (now ${d.now ?? '?'})`
    case 'CERT_NOT_YET_VALID':
      return `${who(d)} is not valid until ${d.notBefore ?? '?'} (now ${d.now ?? '?'})`
    case 'HOSTNAME_MISMATCH':
      return `Certificate is for ${(d.presented ?? []).join(', ') || 'no name'}, not ${d.expected ?? '?'}`
    case 'NO_SUBJECT_ALT_NAME':
      return `The certificate has no subjectAltName naming a host, so it cannot be for ${d.expected ?? '?'}`
    case 'INVALID_REFERENCE_NAME':
      return `"${d.expected ?? ''}" is not a valid DNS name or IP address to check against`
    case 'CA_USED_AS_END_ENTITY':
      return `${who(d)} is a CA certificate used as a server certificate`
    case 'END_ENTITY_USED_AS_CA':
      return `${who(d)} is not a CA but issued "${d.child ?? 'another certificate'}"`
    case 'BASIC_CONSTRAINTS_NOT_CRITICAL':
      return `${who(d)} is a CA whose basicConstraints is not marked critical`
    case 'PATH_LEN_EXCEEDED':
      return `${who(d)} allows ${d.pathLen ?? '?'} intermediate(s) below it, but ${d.below ?? '?'} follow`
    case 'ISSUER_NOT_CERT_SIGNER':
      return `${who(d)} issued a certificate but its key usage does not allow certificate signing`
    case 'LEAF_KEY_USAGE_INSUFFICIENT':
      return `${who(d)} may not be used for ${d.expected ?? 'this connection'}: its key usage is ${(d.presented ?? []).join(', ') || 'empty'}`
    case 'KEY_CERT_SIGN_WITHOUT_CA':
      return `${who(d)} claims certificate signing in key usage without being a CA`
    case 'EKU_MISSING_SERVER_AUTH':
      return `${who(d)} is not for TLS servers: its extended key usage is ${(d.presented ?? []).join(', ') || 'empty'}`
    case 'ISSUER_EKU_MISSING_SERVER_AUTH':
      return `${who(d)} may only issue for ${(d.presented ?? []).join(', ') || 'nothing'}, not TLS servers`
    case 'NAME_NOT_PERMITTED':
      return `The name ${d.name ?? '?'} is outside what "${d.issuer ?? '?'}" may issue for`
    case 'NAME_EXCLUDED':
      return `The name ${d.name ?? '?'} is excluded by "${d.issuer ?? '?'}" (${d.constraint ?? ''})`
    case 'NAME_CONSTRAINTS_INVALID':
      return `The name constraints of ${who(d)} are invalid (${d.reason ?? 'malformed'})`
    case 'NAME_CONSTRAINTS_UNCHECKABLE':
      return `The name ${d.name ?? '?'} cannot be checked against the name constraints of "${d.issuer ?? '?'}"`
    case 'NAME_CONSTRAINTS_BUDGET_EXCEEDED':
      return 'Checking name constraints took too much work and was abandoned'
    case 'WEAK_SIGNATURE_HASH':
      return `${who(d)} is signed with ${d.algorithm ?? 'a broken hash'}, which is no longer safe`
    case 'WEAK_RSA_KEY':
      return `${who(d)} has a weak RSA key (${d.key ?? '?'})`
    case 'EC_EXPLICIT_PARAMETERS':
      return `${who(d)} has an EC key with explicit curve parameters, which are forbidden`
    case 'UNSUPPORTED_KEY_TYPE':
      return `${who(d)} has a key type that is not allowed (${d.key ?? '?'})`
    case 'UNSUPPORTED_SIGNATURE_ALGORITHM':
      return `${who(d)} is signed with an algorithm that is not allowed (${d.algorithm ?? '?'})`
    case 'UNKNOWN_CRITICAL_EXTENSION':
      return `${who(d)} has a critical extension ${d.oid ?? '?'} that the client does not understand`
    case 'EXTENSION_MALFORMED':
      return `${who(d)} has a malformed ${d.name ?? d.oid ?? ''} extension`
    case 'DUPLICATE_EXTENSION':
      return `${who(d)} contains the ${d.name ?? d.oid ?? ''} extension twice`
    case 'EXTENSION_CRITICALITY_INVALID':
      return `${who(d)} marks ${d.name ?? d.oid ?? 'an extension'} ${d.critical === true ? 'critical' : 'non-critical'}, which is not allowed`
    case 'REQUIRED_EXTENSION_MISSING':
      return `${who(d)} lacks the required ${d.name ?? 'extension'}`
    case 'EMPTY_NAME':
      return `A certificate has an empty ${d.name ?? 'name'}`
    case 'UNSUPPORTED_VERSION':
      return `${who(d)} is a version ${String(d.version ?? '?')} certificate; only v3 is accepted`
    case 'INVALID_SERIAL_NUMBER':
      return `${who(d)} has an invalid serial number (${d.reason ?? '?'})`
    case 'CERT_REVOKED':
      return `${who(d)} has been revoked by its issuer`
    case 'CRL_INVALID':
      return `The CRL for ${who(d)} cannot be used (${d.reason ?? 'invalid'})`
    case 'PIN_MISMATCH':
      return `No certificate on the path has a pinned key (${(d.presented ?? []).length} checked)`
  }
}

/** Sentences for steps that did not run. */
export function describeSkip(step: StepId, code: SkipCode): string {
  switch (code) {
    case 'NOT_CONFIGURED':
      return `${step} is not configured for this connection`
    case 'NOT_APPLICABLE':
      return `${step} does not apply to this path`
    case 'NO_PATH':
      return `${step} needs a certificate path, and there is none`
    case 'UNSUPPORTED_ALGORITHM':
      return `${step} could not run: a signature uses an algorithm the verifier does not support (see ALG)`
  }
}
