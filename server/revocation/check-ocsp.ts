import { createPublicKey } from 'node:crypto'
import { failStep, passStep, skipStep, type StepResult } from '../steps/step-result.js'
import { parseCertificate } from '../x509/index.js'
import { fetchOverHttp } from './http-fetch.js'
import { certIdFor, decodeOcspResponse, encodeOcspRequest, sameCertId, type OcspCertId } from './ocsp-messages.js'
import { isMustStaple, ocspUrlsOf } from './revocation-urls.js'
import { verifyAsCa } from './signing.js'

/**
 * none: no revocation checking (most non-browser TLS stacks by default).
 * soft-fail: a "revoked" answer rejects; no answer is ignored (what browsers did for OCSP).
 * hard-fail: no valid "good" answer, no connection.
 */
export type RevocationMode = 'none' | 'soft-fail' | 'hard-fail'

export interface RevocationPolicy {
  mode: RevocationMode
  /** Per fetch. Default: 2 s. */
  timeoutMs?: number
}

export type OcspFailureCode =
  /** The responder (or the staple) says the certificate is revoked. */
  | 'CERT_REVOKED'
  /** The certificate demands a stapled OCSP response (RFC 7633) and the server sent none. */
  | 'MUST_STAPLE_MISSING'
  /** The responder could not be reached (refused, reset, timed out), and the client hard-fails. */
  | 'OCSP_UNAVAILABLE'
  /** The responder answered the unsigned `tryLater` status, and the client hard-fails. */
  | 'OCSP_TRY_LATER'
  /** The response is malformed, badly signed, stale, or about another certificate. */
  | 'OCSP_RESPONSE_INVALID'
  /** The responder does not know the certificate, and the client hard-fails. */
  | 'OCSP_UNKNOWN_CERT'

export interface CheckOcspParams {
  leafDer: Uint8Array
  /** The issuer's certificate DER (the next one on the verified path); null when the path has none. */
  issuerDer: Uint8Array | null
  policy: RevocationPolicy | undefined
  now: Date
  /** The OCSP response the server stapled in the handshake (RFC 6066 §8), if any. */
  staple: Buffer | null
}

type Answer =
  | { kind: 'good'; source: string }
  | { kind: 'revoked'; source: string }
  | { kind: 'unknown'; source: string }
  | { kind: 'unavailable' | 'tryLater' | 'invalid'; reason: string; source: string }

/** Clock skew tolerated on thisUpdate, as browsers do. */
const SKEW_MS = 5 * 60_000

/**
 * REV by OCSP: the stapled response first, then the responder named in the
 * AIA extension (RFC 6960), with the client's failure policy deciding what
 * an unanswered check means. CRLs are fetched by the client and checked by
 * the verifier's REV; the client merges the two (a failure wins).
 */
export async function checkOcsp(params: CheckOcspParams): Promise<StepResult> {
  const mode = params.policy?.mode ?? 'none'
  if (mode === 'none') return skipStep('REV', 'NOT_CONFIGURED', 'This client does not check revocation')
  const leaf = parseCertificate(params.leafDer)
  if (!leaf.ok || params.issuerDer === null) return skipStep('REV', 'NOT_APPLICABLE', 'No verified issuer to ask about this certificate')
  const certId = certIdFor(params.leafDer, params.issuerDer)
  if (certId === null) return skipStep('REV', 'NOT_APPLICABLE', 'The issuer certificate cannot be parsed')
  const mustStaple = isMustStaple(leaf.value)

  if (params.staple !== null) {
    const answer = judgeResponse(params.staple, certId, params.issuerDer, params.now, 'staple')
    if (answer.kind === 'revoked') return fail('CERT_REVOKED', 'The stapled OCSP response says the certificate is revoked', answer)
    if (answer.kind === 'good') return passStep('REV', 'The stapled OCSP response says good', { source: 'staple', mustStaple })
    return fail('OCSP_RESPONSE_INVALID', `The stapled OCSP response is unusable: ${'reason' in answer ? answer.reason : answer.kind}`, answer)
  }
  if (mustStaple) {
    return fail('MUST_STAPLE_MISSING', 'The certificate says "must staple" (RFC 7633) but the server stapled no OCSP response', { mustStaple })
  }
  const [url] = ocspUrlsOf(leaf.value)
  if (url === undefined) return skipStep('REV', 'NOT_APPLICABLE', 'The certificate names no OCSP responder')
  const answer = await askResponder(url, certId, params.issuerDer, params.now, params.policy?.timeoutMs ?? 2_000)
  if (answer.kind === 'revoked') return fail('CERT_REVOKED', `The OCSP responder at ${url} says the certificate is revoked`, answer)
  if (answer.kind === 'good') return passStep('REV', `The OCSP responder at ${url} says good`, answer)
  const why = answer.kind === 'unknown' ? 'the responder does not know the certificate' : answer.reason
  if (mode === 'soft-fail') {
    // The weakness this lab shows: an attacker who can block OCSP turns soft-fail into no check at all.
    return passStep('REV', `No usable OCSP answer (${why}); soft-fail accepts the certificate anyway`, { ...answer, softFailed: true })
  }
  const code: OcspFailureCode =
    answer.kind === 'tryLater' ? 'OCSP_TRY_LATER' : answer.kind === 'unavailable' ? 'OCSP_UNAVAILABLE' : answer.kind === 'unknown' ? 'OCSP_UNKNOWN_CERT' : 'OCSP_RESPONSE_INVALID'
  return fail(code, `No usable OCSP answer (${why}); this client hard-fails`, answer)
}

async function askResponder(url: string, certId: OcspCertId, issuerDer: Uint8Array, now: Date, timeoutMs: number): Promise<Answer> {
  const fetched = await fetchOverHttp(url, { method: 'POST', body: encodeOcspRequest([certId]), contentType: 'application/ocsp-request', timeoutMs })
  if (!fetched.ok) return { kind: 'unavailable', reason: fetched.reason, source: url }
  if (fetched.status !== 200) return { kind: 'unavailable', reason: `HTTP ${fetched.status}`, source: url }
  return judgeResponse(fetched.body, certId, issuerDer, now, url)
}

/** RFC 6960 §3.2: signed by the issuer, about this CertID, current, then its status. */
function judgeResponse(der: Uint8Array, certId: OcspCertId, issuerDer: Uint8Array, now: Date, source: string): Answer {
  const decoded = decodeOcspResponse(der)
  if (!decoded.ok) return { kind: 'invalid', reason: decoded.reason, source }
  if (decoded.status === 'tryLater') return { kind: 'tryLater', reason: 'the responder answered tryLater (an unsigned status anyone can forge)', source }
  if (decoded.status !== 'successful') return { kind: 'invalid', reason: `the responder answered ${decoded.status}`, source }
  const { basic } = decoded
  const issuer = parseCertificate(issuerDer)
  if (!issuer.ok) return { kind: 'invalid', reason: 'the issuer cannot be parsed', source }
  const issuerKey = createPublicKey({ key: Buffer.from(issuer.value.spkiDer), format: 'der', type: 'spki' })
  // Only the issuing CA itself is accepted as responder (§4.2.2.2 case 1); delegated responders are not supported.
  if (!verifyAsCa(basic.signatureAlgorithmOid, basic.tbsDer, issuerKey, basic.signature)) {
    return { kind: 'invalid', reason: 'the response is not signed by the issuing CA', source }
  }
  const answer = basic.answers.find((candidate) => sameCertId(candidate.certId, certId))
  if (answer === undefined) return { kind: 'invalid', reason: 'the response is about another certificate', source }
  if (answer.thisUpdate.getTime() > now.getTime() + SKEW_MS) return { kind: 'invalid', reason: 'the response is from the future', source }
  if (answer.nextUpdate !== null && answer.nextUpdate.getTime() < now.getTime()) return { kind: 'invalid', reason: 'the response is stale', source }
  return { kind: answer.status.kind, source }
}

function fail(code: OcspFailureCode, message: string, detail: Record<string, unknown>): StepResult {
  return failStep('REV', code, message, detail)
}
