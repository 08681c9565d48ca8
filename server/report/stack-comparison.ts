import type { ScenarioResult } from '../lab/scenario-result.js'
import { findingOf } from './run-report.js'
import { LAB_VERIFIER } from './client-summary.js'

/**
 * Which certificate verifier a client runs. Clients built on the same library
 * are one opinion, not several (issue 19: five of the first nine clients are
 * OpenSSL's X509_verify_cert). `isCompared: false` keeps a client out of the
 * verifier-versus-verifier tables: the lab's own verifier is the reference
 * every row is judged by, and node-insecure verifies nothing.
 * First matching rule wins; a client no rule names is its own verifier.
 */
export interface VerifierRule {
  pattern: RegExp
  verifier: string
  isCompared: boolean
}

export const VERIFIER_RULES: readonly VerifierRule[] = [
  { pattern: /^lab-verifier$/, verifier: "mitmlab's step-by-step verifier (the reference)", isCompared: false },
  { pattern: /^node-insecure$/, verifier: 'none (rejectUnauthorized: false)', isCompared: false },
  { pattern: /^(node-https|curl|openssl|python-urllib|python-requests)$/, verifier: 'OpenSSL (X509_verify_cert)', isCompared: true },
  { pattern: /^(wget|gnutls)/, verifier: 'GnuTLS (gnutls_x509_trust_list_verify_crt)', isCompared: true },
  { pattern: /^chrom/, verifier: "Chrome's certificate verifier (net/cert, BoringSSL's pki)", isCompared: true },
  { pattern: /^firefox/, verifier: 'NSS mozilla::pkix (Firefox)', isCompared: true },
  { pattern: /^(tstclnt|nss)/, verifier: 'NSS certificate library (CERT_VerifyCert)', isCompared: true },
  { pattern: /^go(-|$|lang)/, verifier: 'Go crypto/x509', isCompared: true },
  { pattern: /^java/, verifier: 'Java PKIX (sun.security.provider.certpath)', isCompared: true },
  { pattern: /^botan/, verifier: 'Botan (x509_path_validate)', isCompared: true },
]

export function verifierOf(clientId: string, rules: readonly VerifierRule[] = VERIFIER_RULES): { verifier: string; isCompared: boolean } {
  const rule = rules.find((candidate) => candidate.pattern.test(clientId))
  return rule === undefined ? { verifier: clientId, isCompared: true } : { verifier: rule.verifier, isCompared: rule.isCompared }
}

/** One client's answer to one scenario, as the comparison reads it. */
export interface ClientCell {
  clientId: string
  verdict: 'accept' | 'reject'
  /** The step its own words name; null for an accept or an unmapped error. */
  step: string | null
}

/** A verifier's answer to one scenario: what its exercised clients said, and whether they agree. */
export interface VerifierAnswer {
  verifier: string
  verdict: 'accept' | 'reject' | 'mixed'
  cells: ClientCell[]
}

/** A scenario one verifier accepts and another rejects. */
export interface Disagreement {
  scenarioId: string
  kind: ScenarioResult['kind']
  /** The catalog's expectation: the step that must catch it, or null for "accept". */
  expectedStep: string | null
  accepting: VerifierAnswer
  rejecting: VerifierAnswer
}

export interface VerifierPair {
  /** In first-seen order of the run's clients. */
  first: string
  second: string
  /** Accepted by `first`, rejected by `second`. */
  firstAccepts: Disagreement[]
  /** Accepted by `second`, rejected by `first`. */
  secondAccepts: Disagreement[]
}

export interface StackComparison {
  /** The compared verifiers, in run order, with their clients. */
  verifiers: { verifier: string; clientIds: string[] }[]
  pairs: VerifierPair[]
  /** Scenarios where one verifier's own clients disagree: the HTTP layer (HSTS, redirects), not the verifier, differs. */
  mixed: { scenarioId: string; answer: VerifierAnswer }[]
}

/**
 * Groups a run's results by verifier and lists, for each pair of verifiers,
 * the scenarios one accepts and the other rejects. Only results that say
 * something about the client count: a result that could not be run (error)
 * or whose client never met the attack (not exercised) is left out, and a
 * verifier with no exercised client on a scenario has no answer to compare.
 * A verifier whose clients disagree on a scenario answers "mixed" and is
 * listed apart, never counted as accepting or rejecting.
 *
 * @example
 * compareStacks(results, ['node-https', 'curl', 'wget', 'chromium']).pairs[0]?.firstAccepts
 */
export function compareStacks(results: readonly ScenarioResult[], clientOrder: readonly string[] = [], rules: readonly VerifierRule[] = VERIFIER_RULES): StackComparison {
  const seen = [...new Set([...clientOrder, ...results.map((result) => result.clientId)])]
  const verifiers: { verifier: string; clientIds: string[] }[] = []
  for (const clientId of seen) {
    if (!results.some((result) => result.clientId === clientId)) continue
    const { verifier, isCompared } = verifierOf(clientId, rules)
    if (!isCompared) continue
    const group = verifiers.find((candidate) => candidate.verifier === verifier)
    if (group === undefined) verifiers.push({ verifier, clientIds: [clientId] })
    else group.clientIds.push(clientId)
  }
  const scenarioIds = [...new Set([...results].sort((a, b) => a.ordinal - b.ordinal).map((result) => result.scenarioId))]
  const answers = new Map<string, Map<string, VerifierAnswer>>()
  const mixed: StackComparison['mixed'] = []
  for (const scenarioId of scenarioIds) {
    const byVerifier = new Map<string, VerifierAnswer>()
    for (const { verifier, clientIds } of verifiers) {
      const cells = clientIds.flatMap((clientId): ClientCell[] => {
        const result = results.find((candidate) => candidate.scenarioId === scenarioId && candidate.clientId === clientId)
        if (result === undefined) return []
        const finding = findingOf(result)
        if (finding === 'error' || finding === 'not-exercised') return []
        return [{ clientId, verdict: result.verdict, step: result.verdict === 'reject' ? result.catchingStep : null }]
      })
      if (cells.length === 0) continue
      const verdicts = new Set(cells.map((cell) => cell.verdict))
      const answer: VerifierAnswer = { verifier, verdict: verdicts.size > 1 ? 'mixed' : (cells[0]?.verdict ?? 'mixed'), cells }
      byVerifier.set(verifier, answer)
      if (answer.verdict === 'mixed') mixed.push({ scenarioId, answer })
    }
    answers.set(scenarioId, byVerifier)
  }
  const pairs: VerifierPair[] = []
  for (const [index, { verifier: first }] of verifiers.entries()) {
    for (const { verifier: second } of verifiers.slice(index + 1)) {
      const pair: VerifierPair = { first, second, firstAccepts: [], secondAccepts: [] }
      for (const scenarioId of scenarioIds) {
        const a = answers.get(scenarioId)?.get(first)
        const b = answers.get(scenarioId)?.get(second)
        if (a === undefined || b === undefined) continue
        const sample = results.find((result) => result.scenarioId === scenarioId)
        if (sample === undefined) continue
        const base = { scenarioId, kind: sample.kind, expectedStep: sample.expected.verdict === 'reject' ? sample.expected.step : null }
        if (a.verdict === 'accept' && b.verdict === 'reject') pair.firstAccepts.push({ ...base, accepting: a, rejecting: b })
        if (b.verdict === 'accept' && a.verdict === 'reject') pair.secondAccepts.push({ ...base, accepting: b, rejecting: a })
      }
      pairs.push(pair)
    }
  }
  return { verifiers, pairs, mixed }
}

/** Unmapped rejections (`reject ?`): the client's words matched no row of its table. Verbatim, per client. */
export function unmappedErrors(results: readonly ScenarioResult[]): { clientId: string; scenarioId: string; expectedStep: string | null; rawError: string }[] {
  return results
    .filter((result) => result.clientId !== LAB_VERIFIER && !['error', 'not-exercised'].includes(findingOf(result)) && result.verdict === 'reject' && result.external !== undefined && !result.external.isMapped)
    .map((result) => ({
      clientId: result.clientId,
      scenarioId: result.scenarioId,
      expectedStep: result.expected.verdict === 'reject' ? result.expected.step : null,
      rawError: result.external?.rawError ?? '',
    }))
}
