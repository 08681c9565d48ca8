import type { StepResult } from '../steps/step-result.js'
import { bytesEqual } from '../x509/der-reader.js'
import { parseCertificate } from '../x509/parse-certificate.js'
import { parseCrl, type ParsedCrl } from '../x509/parse-crl.js'
import { summarizeCertificate } from '../x509/summarize-certificate.js'
import type { ParsedCertificate } from '../x509/types.js'
import { FAILURE_STEP } from './codes.js'
import { fail, skip, subjectOf, type CandidatePath, type VerifyContext } from './context.js'
import { SERVER_AUTH } from './checks/check-eku.js'
import { buildPath } from './path-builder.js'
import { CERTIFICATE_CHECKS, runChecks, topFailure } from './run-checks.js'
import { SignatureCache } from './signature.js'
import type { RejectedCandidate, VerifyInput, VerifyReport } from './types.js'

export type { VerifyInput, VerifyReport, CertSummary, VerifyProfile, RejectedCandidate } from './types.js'
export { FAILURE_RANK, FAILURE_STEP, type FailureCode } from './codes.js'
export { describeFailure } from './describe-failure.js'

/** At most this many rejected candidates are listed in a report. */
export const MAX_REPORTED_CANDIDATES = 16

interface Evaluated {
  path: CandidatePath
  steps: StepResult[]
  rank: number
}

/**
 * Verifies a server certificate chain step by step: builds candidate paths to
 * the trust anchors, runs every certificate step on each, and reports the
 * accepted path or the most telling rejected one. Pure: no clock, no I/O.
 *
 * @example
 * const report = verify({ presented: [leafDer, intermediateDer], trustAnchors: [rootDer], expectedHost: 'bank.lab', now: new Date('2025-01-01T00:00:00Z') })
 * if (report.verdict === 'reject') console.log(report.catchingStep, report.code)
 */
export function verify(input: VerifyInput): VerifyReport {
  const [leafDer, ...rest] = input.presented
  if (leafDer === undefined) return unbuildable(fail('NO_CERTIFICATES', {}))
  const leaf = parseCertificate(leafDer)
  if (!leaf.ok) return unbuildable(fail('CERT_MALFORMED', { reason: leaf.reason }))
  const intermediates = parseAll(rest)
  const anchors = parseAll(input.trustAnchors)
  const crls = parseCrls(input.crls)
  const signatures = new SignatureCache()
  const baseContext: Omit<VerifyContext, 'path'> = {
    now: input.now,
    profile: input.profile ?? 'webpki',
    expectedHost: input.expectedHost,
    allowCommonNameFallback: input.allowCommonNameFallback ?? false,
    pins: input.pins ?? null,
    crls: crls.parsed,
    requiredEku: input.requiredEku ?? [SERVER_AUTH],
    requiredKeyUsage: input.requiredKeyUsage ?? [],
    signatures,
  }

  let accepted: Evaluated | null = null
  const rejected: Evaluated[] = []
  buildPath({
    leaf: leaf.value,
    anchors,
    intermediates,
    signatures,
    ...(input.maxIntermediates === undefined ? {} : { maxIntermediates: input.maxIntermediates }),
    consider: (path) => {
      const steps = withCrlErrors(runChecks({ ...baseContext, path }), crls.errors)
      const top = topFailure(steps)
      if (top === null) {
        accepted = { path, steps, rank: 0 }
        return true
      }
      rejected.push({ path, steps, rank: top.rank })
      return false
    },
  })
  const chosen: Evaluated | null = accepted ?? pickReported(rejected)
  if (chosen === null) return unbuildable(fail('UNKNOWN_ISSUER', { subject: subjectOf(leaf.value) }))
  const top = topFailure(chosen.steps)
  return {
    verdict: top === null ? 'accept' : 'reject',
    catchingStep: top === null ? null : FAILURE_STEP[top.code],
    code: top?.code ?? null,
    steps: chosen.steps,
    path: chosen.path.certs.map(summarizeCertificate),
    rejectedCandidates: rejected
      .filter((candidate) => candidate !== chosen)
      .slice(0, MAX_REPORTED_CANDIDATES)
      .map(toRejectedCandidate),
  }
}

/**
 * The reported failing path: one that reaches an anchor beats a dead end (so a
 * distractor branch cannot hide the real defect), then the highest-ranked
 * failure wins, then the first found (anchors are tried first).
 */
function pickReported(candidates: readonly Evaluated[]): Evaluated | null {
  let best: Evaluated | null = null
  for (const candidate of candidates) {
    if (best === null) best = candidate
    else if (candidate.path.reachedAnchor !== best.path.reachedAnchor) {
      if (candidate.path.reachedAnchor) best = candidate
    } else if (candidate.rank > best.rank) best = candidate
  }
  return best
}

function toRejectedCandidate(candidate: Evaluated): RejectedCandidate {
  const top = topFailure(candidate.steps)
  return {
    path: candidate.path.certs.map(subjectOf),
    step: top === null ? 'TRUST' : FAILURE_STEP[top.code],
    code: top?.code ?? 'UNKNOWN_ISSUER',
    message: top?.step.message ?? '',
  }
}

/** A report for when no path can even start: the one failure at TRUST, every other step skipped. */
function unbuildable(trust: StepResult): VerifyReport {
  const steps: StepResult[] = [trust]
  for (const { step } of CERTIFICATE_CHECKS.slice(1)) steps.push(skip(step, 'NO_PATH'))
  return { verdict: 'reject', catchingStep: 'TRUST', code: trust.code ?? 'CERT_MALFORMED', steps, path: [], rejectedCandidates: [] }
}

/** Parses the presented or trusted extras; unparseable ones cannot be on any path and are dropped, duplicates too. */
function parseAll(ders: readonly Uint8Array[]): ParsedCertificate[] {
  const parsed: ParsedCertificate[] = []
  for (const der of ders) {
    if (parsed.some((cert) => bytesEqual(cert.der, der))) continue
    const result = parseCertificate(der)
    if (result.ok) parsed.push(result.value)
  }
  return parsed
}

function parseCrls(ders: readonly Uint8Array[] | undefined): { parsed: ParsedCrl[] | null; errors: string[] } {
  if (ders === undefined) return { parsed: null, errors: [] }
  const parsed: ParsedCrl[] = []
  const errors: string[] = []
  for (const der of ders) {
    const result = parseCrl(der)
    if (result.ok) parsed.push(result.value)
    else errors.push(result.reason)
  }
  return { parsed, errors }
}

/** A CRL we were given but cannot read makes revocation status unknowable: REV fails. */
function withCrlErrors(steps: StepResult[], errors: readonly string[]): StepResult[] {
  const [error] = errors
  if (error === undefined) return steps
  return steps.map((step) => (step.step === 'REV' && step.status !== 'fail' ? fail('CRL_INVALID', { reason: error }) : step))
}
