import type { StepId } from '../steps/step-ids.js'
import type { StepResult } from '../steps/step-result.js'

/**
 * `webpki`: CA/Browser Forum strict, what browsers and rustls-webpki enforce (default).
 * `rfc5280`: plain RFC 5280 path validation, more lenient on profile rules.
 *
 * What differs (everything else is the same): webpki refuses a CA certificate
 * as the leaf (BC), anyExtendedKeyUsage in the leaf and a critical leaf EKU
 * (EKU, CRIT), a critical SAN beside a non-empty subject and a root AKI that
 * is not just its SKI (CRIT), and Ed448 / SHA-224 (ALG); rfc5280 requires
 * nameConstraints to be critical (NC), which the Web PKI tolerates.
 */
export type VerifyProfile = 'webpki' | 'rfc5280'

/** Everything the verifier needs: no clock, no I/O, no global trust store. */
export interface VerifyInput {
  /** Certificates as the server sent them, DER. The first is the leaf; the rest in any order, junk allowed. */
  presented: readonly Uint8Array[]
  /** Trust anchors, DER. */
  trustAnchors: readonly Uint8Array[]
  /** The name the client asked for: a DNS name or an IP literal. */
  expectedHost: string
  /** The validation time. Always passed in: tests pin it. */
  now: Date
  /** Default: 'webpki'. */
  profile?: VerifyProfile
  /** Default: false. Match the subject CN when the leaf has no SAN (legacy clients only). */
  allowCommonNameFallback?: boolean
  /** SPKI SHA-256 pins, base64 (RFC 7469 §2.4 format). Default: none, PIN is skipped. */
  pins?: readonly string[]
  /** CRLs, DER. Default: none, REV is skipped unless another revocation source is given. */
  crls?: readonly Uint8Array[]
  /** EKU OIDs the leaf (and every EKU-restricted intermediate) must allow. Default: serverAuth only. */
  requiredEku?: readonly string[]
  /** Key usage bits (RFC 5280 §4.2.1.3 names) the leaf must assert when it has a keyUsage extension. Default: none. */
  requiredKeyUsage?: readonly string[]
  /** Most intermediates between leaf and anchor. Default: 6 (rustls-webpki MAX_SUB_CA_COUNT). */
  maxIntermediates?: number
}

/** A parsed certificate as shown to people: the same shape in the store, the CLI and the dashboard. */
export interface CertSummary {
  subject: string
  issuer: string
  serialHex: string
  version: number
  notBefore: string
  notAfter: string
  sans: { type: 'dns' | 'ip' | 'email' | 'uri' | 'other'; value: string }[]
  isCa: boolean | null
  pathLen: number | null
  keyUsage: string[]
  extendedKeyUsage: string[]
  /** e.g. 'RSA-2048', 'EC P-256', 'Ed25519' */
  publicKey: string
  signatureAlgorithm: string
  /** base64 SHA-256 of the SubjectPublicKeyInfo (the pin format) */
  spkiSha256: string
  /** hex SHA-256 of the whole DER */
  fingerprintSha256: string
  extensions: { oid: string; name: string; critical: boolean }[]
}

export interface RejectedCandidate {
  /** Subjects of the candidate path, leaf first. */
  path: string[]
  step: StepId
  code: string
  message: string
}

export interface VerifyReport {
  verdict: 'accept' | 'reject'
  /**
   * The step of the highest-ranked failure (FAILURE_RANK in codes.ts) on the
   * reported path; null when accepted. Ranking rather than STEP_IDS order means a
   * definite defect (a bad signature, an expired CA) names the step even when the
   * path also fails to reach an anchor.
   */
  catchingStep: StepId | null
  /** The failure code of the catching step; null when accepted. */
  code: string | null
  /** One result per certificate step, all of them, even after the first failure. */
  steps: StepResult[]
  /** The path the report is about (the accepted one, or the most specific failing one), leaf first. */
  path: CertSummary[]
  /** Other candidate paths that were tried and why each failed. */
  rejectedCandidates: RejectedCandidate[]
}
