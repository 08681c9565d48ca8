import { failStep, passStep, type StepResult } from '../steps/step-result.js'
import { parseCertificate } from '../x509/index.js'
import type { RevocationPolicy } from './check-ocsp.js'
import { fetchOverHttp } from './http-fetch.js'
import { crlUrlsOf } from './revocation-urls.js'

export interface FetchedCrls {
  /** DER CRLs for the verifier's REV (VerifyInput.crls). */
  crls: Buffer[]
  /**
   * When a CRL the certificate names could not be fetched: a REV failure for a hard-failing client, a
   * pass marked softFailed for a soft-failing one (visible, not silent); else null.
   */
  unavailable: StepResult | null
}

/**
 * Downloads the CRLs the leaf names in its distribution points (RFC 5280
 * §4.2.1.13) before verification, so the verifier can check them (§6.3).
 */
export async function fetchCrls(leafDer: Uint8Array, policy: RevocationPolicy | undefined): Promise<FetchedCrls> {
  if (policy === undefined || policy.mode === 'none') return { crls: [], unavailable: null }
  const leaf = parseCertificate(leafDer)
  if (!leaf.ok) return { crls: [], unavailable: null }
  const crls: Buffer[] = []
  const problems: string[] = []
  for (const url of crlUrlsOf(leaf.value).slice(0, 4)) {
    const fetched = await fetchOverHttp(url, { method: 'GET', timeoutMs: policy.timeoutMs ?? 2_000 })
    if (fetched.ok && fetched.status === 200) crls.push(fetched.body)
    else problems.push(`${url}: ${fetched.ok ? `HTTP ${fetched.status}` : fetched.reason}`)
  }
  if (problems.length === 0 || crls.length > 0) return { crls, unavailable: null }
  const unavailable =
    policy.mode === 'hard-fail'
      ? failStep('REV', 'CRL_UNAVAILABLE', `The CRL could not be fetched (${problems.join('; ')}); this client hard-fails`, { problems })
      : passStep('REV', `The CRL could not be fetched (${problems.join('; ')}); soft-fail accepts the certificate anyway`, { problems, softFailed: true })
  return { crls, unavailable }
}

/** One REV result from several sources (verifier CRL check, OCSP, CRL fetch): a failure wins, then a pass. */
export function mergeRevocationSteps(steps: readonly (StepResult | null | undefined)[]): StepResult | undefined {
  const present = steps.filter((step): step is StepResult => step !== null && step !== undefined)
  return present.find((s) => s.status === 'fail') ?? present.find((s) => s.status === 'pass') ?? present[0]
}
