import type { StepId } from '../steps/step-ids.js'
import { failStep, passStep, skipStep, type StepResult } from '../steps/step-result.js'
import { formatName } from '../x509/parse-name.js'
import type { ParsedCertificate } from '../x509/types.js'
import { FAILURE_STEP, type FailureCode, type SkipCode } from './codes.js'
import { describeFailure, describeSkip, type FailureDetail } from './describe-failure.js'
import type { ParsedCrl } from '../x509/parse-crl.js'
import type { VerifyProfile } from './types.js'
import type { SignatureCache } from './signature.js'

/** Why path building stopped short of an anchor, when it did. */
export type BuildFailure = 'UNKNOWN_ISSUER' | 'UNTRUSTED_ROOT' | 'SELF_SIGNED_LEAF' | 'MAX_DEPTH_EXCEEDED' | 'PATH_BUDGET_EXCEEDED'

/** One candidate path, leaf first; `reachedAnchor` says whether the last certificate is a trust anchor. */
export interface CandidatePath {
  certs: ParsedCertificate[]
  reachedAnchor: boolean
  /** Set when the path does not reach an anchor. */
  buildFailure: BuildFailure | null
}

/** Everything a check reads: no clock, no I/O (style.md §5). */
export interface VerifyContext {
  path: CandidatePath
  now: Date
  profile: VerifyProfile
  expectedHost: string
  allowCommonNameFallback: boolean
  pins: readonly string[] | null
  crls: readonly ParsedCrl[] | null
  /** EKU OIDs the leaf must allow. Default: serverAuth. */
  requiredEku: readonly string[]
  /** Key usage names the leaf must assert when it has keyUsage. */
  requiredKeyUsage: readonly string[]
  signatures: SignatureCache
}

export function fail(code: FailureCode, detail: FailureDetail): StepResult {
  return failStep(FAILURE_STEP[code], code, describeFailure(code, detail), detail)
}

export function skip(step: StepId, code: SkipCode): StepResult {
  return skipStep(step, code, describeSkip(step, code))
}

export function pass(step: StepId, message: string, detail?: Record<string, unknown>): StepResult {
  return passStep(step, message, detail)
}

export function subjectOf(cert: ParsedCertificate): string {
  return formatName(cert.subject)
}

export function issuerOf(cert: ParsedCertificate): string {
  return formatName(cert.issuer)
}

/** The CA certificates of a path: everything above the leaf. */
export function issuersOf(path: CandidatePath): ParsedCertificate[] {
  return path.certs.slice(1)
}

/** RFC 5280 §6.1: self-issued means subject and issuer are the same name. */
export function isSelfIssued(cert: ParsedCertificate): boolean {
  return Buffer.compare(cert.subjectDer, cert.issuerDer) === 0
}
