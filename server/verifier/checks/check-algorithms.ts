import type { StepResult } from '../../steps/step-result.js'
import { SIGNATURE_ALGORITHM_NAMES } from '../../x509/algorithm-names.js'
import { describePublicKey } from '../../x509/parse-public-key.js'
import type { ParsedCertificate } from '../../x509/types.js'
import type { FailureCode } from '../codes.js'
import { fail, pass, subjectOf, type VerifyContext } from '../context.js'
import { signatureScheme } from '../signature.js'

/** CA/B BR §6.1.5 and §7.1.3.2: the hashes a Web PKI signature may use. */
const ALLOWED_HASHES = new Set(['sha256', 'sha384', 'sha512', null])
/** CA/B BR §6.1.5: RSA modulus of at least 2048 bits, a multiple of 8. */
const MIN_RSA_BITS = 2048

/**
 * ALG: signature hashes and keys meet the profile (CA/B BR §6.1.5, §7.1.3;
 * RFC 5480 §2.1.1 forbids explicit curves). The anchor's self-signature is
 * not judged (it is never verified), but the anchor's key is: it verifies the next signature.
 */
export function checkAlgorithms(ctx: VerifyContext): StepResult {
  const { certs } = ctx.path
  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i]
    if (cert === undefined) continue
    const keyProblem = keyPolicyProblem(cert, ctx.profile === 'rfc5280')
    if (keyProblem !== null) return fail(keyProblem, { subject: subjectOf(cert), key: describePublicKey(cert.publicKey) })
    const isAnchorSelfSignature = ctx.path.reachedAnchor && i === certs.length - 1
    if (isAnchorSelfSignature) continue
    const algorithm = SIGNATURE_ALGORITHM_NAMES[cert.signatureAlgorithm.oid] ?? cert.signatureAlgorithm.oid
    const scheme = signatureScheme(cert.signatureAlgorithm)
    const detail = (): { subject: string; algorithm: string } => ({ subject: subjectOf(cert), algorithm })
    if (scheme === null) return fail('UNSUPPORTED_SIGNATURE_ALGORITHM', detail())
    if (scheme.hash === 'md5' || scheme.hash === 'sha1') return fail('WEAK_SIGNATURE_HASH', detail())
    if (ctx.profile === 'webpki' && !ALLOWED_HASHES.has(scheme.hash)) return fail('UNSUPPORTED_SIGNATURE_ALGORITHM', detail())
  }
  return pass('ALG', 'Every signature algorithm and key meets the policy')
}

function keyPolicyProblem(cert: ParsedCertificate, lenient: boolean): FailureCode | null {
  const key = cert.publicKey
  switch (key.kind) {
    case 'rsa':
      return key.bits < MIN_RSA_BITS || key.bits % 8 !== 0 ? 'WEAK_RSA_KEY' : null
    case 'ec':
      if (key.explicitParameters) return 'EC_EXPLICIT_PARAMETERS'
      return key.curve === 'P-256' || key.curve === 'P-384' || key.curve === 'P-521' ? null : 'UNSUPPORTED_KEY_TYPE'
    case 'ed25519':
      return null
    case 'ed448':
      return lenient ? null : 'UNSUPPORTED_KEY_TYPE'
    // FIPS 204's three parameter sets; ML-DSA-44 is NIST category 2, 65 and 87 categories 3 and 5.
    case 'ml-dsa':
      return null
    case 'dsa':
    case 'unknown':
      return 'UNSUPPORTED_KEY_TYPE'
  }
}
