import { createHash } from 'node:crypto'
import { checkCertificateTransparency } from '../ct/check-ct.js'
import { checkOcsp } from '../revocation/check-ocsp.js'
import { mergeRevocationSteps } from '../revocation/fetch-crls.js'
import type { StepResult } from '../steps/step-result.js'
import type { VerifyReport } from '../verifier/types.js'
import { parseCertificate } from '../x509/index.js'
import type { ClientPolicy } from './instrumented-client.js'

export interface LiveStepsParams {
  policy: ClientPolicy
  chainDer: Buffer[]
  certificate: VerifyReport
  now: Date
  /** The OCSP response the server stapled, if any. */
  staple: Buffer | null
  /** REV from a CRL that could not be fetched (fail when hard-failing, softFailed pass otherwise), if any. */
  crlUnavailable: StepResult | null
}

/**
 * The steps that need more than the certificates: CT (SCTs against the
 * client's log list) and REV by OCSP or staple, merged with the verifier's
 * CRL-based REV (a failure wins). Both need the issuer of the leaf on the
 * path the verifier chose.
 */
export async function checkLiveSteps(params: LiveStepsParams): Promise<{ ct: StepResult; rev: StepResult | undefined }> {
  const [leafDer] = params.chainDer
  const issuerDer = issuerOf(params.certificate, params.chainDer, params.policy.trustAnchors)
  const issuerSpkiDer = issuerDer === null ? null : spkiOf(issuerDer)
  const ct = checkCertificateTransparency({ leafDer: leafDer ?? Buffer.alloc(0), issuerSpkiDer, policy: params.policy.ct, now: params.now })
  const ocsp =
    leafDer === undefined || params.policy.revocation === undefined
      ? null
      : await checkOcsp({ leafDer, issuerDer, policy: params.policy.revocation, now: params.now, staple: params.staple })
  const verifierRev = params.certificate.steps.find((step) => step.step === 'REV')
  // A failure wins; among passes, a real answer (OCSP, the verifier's CRL check) before a soft-failed one.
  const crl = params.crlUnavailable
  return { ct, rev: mergeRevocationSteps([verifierRev?.status === 'fail' ? verifierRev : null, crl?.status === 'fail' ? crl : null, ocsp, verifierRev, crl]) }
}

/** The certificate after the leaf on the verifier's path, found by fingerprint among what was presented and trusted. */
function issuerOf(certificate: VerifyReport, chainDer: Buffer[], anchors: Buffer[]): Buffer | null {
  const fingerprint = certificate.path[1]?.fingerprintSha256
  if (fingerprint === undefined) return null
  return [...chainDer, ...anchors].find((der) => createHash('sha256').update(der).digest('hex') === fingerprint.toLowerCase().replace(/:/g, '')) ?? null
}

function spkiOf(der: Buffer): Buffer | null {
  const parsed = parseCertificate(der)
  return parsed.ok ? Buffer.from(parsed.value.spkiDer) : null
}
