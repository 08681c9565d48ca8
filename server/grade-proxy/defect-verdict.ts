import type { StepResult } from '../steps/step-result.js'
import type { VerifyReport } from '../verifier/index.js'
import type { ProbeOutcome } from './client-probe.js'
import type { UpstreamDefect } from './upstream-defects.js'

/**
 * What reached the client for one upstream (Durumeric et al., NDSS 2017 §5.2;
 * de Carné de Carnavalet & Mannan, NDSS 2016 §4):
 * - `blocked`: the product refused — CONNECT refused, TLS alert or close, or its own error page instead of the upstream's answer;
 * - `passed-through`: the client was shown a chain its verifier rejects (the client decides, as without the product);
 * - `masked`: a chain the client accepts and the upstream's answer, for a broken upstream — the failure the papers found;
 * - `relayed`: the same for the control — what every product must do.
 */
export type DefectVerdict = 'blocked' | 'passed-through' | 'masked' | 'relayed'

export interface JudgedOutcome {
  verdict: DefectVerdict
  /** One sentence: why this verdict, from the evidence. */
  reason: string
}

export function judgeOutcome(defect: UpstreamDefect, outcome: ProbeOutcome, marker: string): JudgedOutcome {
  if (outcome.stage === 'connect-refused') return { verdict: 'blocked', reason: `CONNECT refused: ${outcome.error ?? ''}` }
  if (outcome.stage === 'tls-failed') return { verdict: 'blocked', reason: `TLS handshake with the product failed: ${outcome.error ?? 'closed'}` }
  const failures = outcome.verification === null ? [] : decisiveFailures(outcome.verification)
  const [first] = failures
  if (first !== undefined) {
    return { verdict: 'passed-through', reason: `the client's verifier rejects the chain it was shown at ${first.step} (${first.code ?? '?'})` }
  }
  if (outcome.stage === 'no-http-answer') return { verdict: 'blocked', reason: `valid forged chain, then no HTTP answer (${outcome.error ?? 'closed'})` }
  if (!outcome.body.includes(marker)) return { verdict: 'blocked', reason: `valid forged chain, then the product's own answer: HTTP ${outcome.httpStatus ?? '?'}` }
  if (defect.defectClass === 'control') return { verdict: 'relayed', reason: 'valid chain and the upstream’s answer' }
  return { verdict: 'masked', reason: 'the client accepted the chain it was shown and got the broken upstream’s answer' }
}

/**
 * Key identifiers a forged certificate omits: RFC 5280 §4.2.1.1-2 say MUST and
 * the lab's verifier refuses their absence (CRIT), but no browser does
 * (Chromium and Firefox build paths by name and key), so a product is not
 * credited with "blocking" for forging leaves without them. They are kept as
 * findings (`profileFindings`) instead.
 */
const KEY_IDENTIFIERS = new Set(['authorityKeyIdentifier', 'subjectKeyIdentifier'])

export function isProfileFinding(step: StepResult): boolean {
  return step.status === 'fail' && step.code === 'REQUIRED_EXTENSION_MISSING' && KEY_IDENTIFIERS.has(String(step.detail?.['name'] ?? ''))
}

/** The verifier's failures that a browser shares: every failed step except the key-identifier findings. */
export function decisiveFailures(report: VerifyReport): StepResult[] {
  if (report.verdict === 'accept') return []
  const failed = report.steps.filter((step) => step.status === 'fail')
  const decisive = failed.filter((step) => !isProfileFinding(step))
  // A reject with no failed step at all (e.g. no path) stays a reject at its catching step.
  if (failed.length === 0) return [{ step: report.catchingStep ?? 'TRUST', status: 'fail', code: report.code ?? 'UNKNOWN_ISSUER', message: '' }]
  return decisive
}
