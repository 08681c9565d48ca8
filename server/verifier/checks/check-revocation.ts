import type { StepResult } from '../../steps/step-result.js'
import { bytesEqual, toHex } from '../../x509/der-reader.js'
import { CRL_NUMBER_OID, KNOWN_CRL_EXTENSIONS, type ParsedCrl } from '../../x509/parse-crl.js'
import type { ParsedCertificate } from '../../x509/types.js'
import { fail, pass, skip, subjectOf, type VerifyContext } from '../context.js'

/**
 * REV: no certificate below the anchor is on a CRL from its issuer (RFC 5280
 * §6.3). Only CRLs given as input count; a certificate no CRL covers passes
 * (soft-fail, as browsers do without a CRL). OCSP is a separate source added later.
 */
export function checkRevocation(ctx: VerifyContext): StepResult {
  if (ctx.crls === null || ctx.crls.length === 0) return skip('REV', 'NOT_CONFIGURED')
  const { certs } = ctx.path
  let covered = 0
  for (let i = 0; i + 1 < certs.length; i++) {
    const cert = certs[i]
    const issuer = certs[i + 1]
    if (cert === undefined || issuer === undefined) continue
    for (const crl of ctx.crls.filter((c) => bytesEqual(c.issuerDer, cert.issuerDer))) {
      const problem = crlProblem(crl, issuer, ctx)
      if (problem === 'not-signed-by-issuer') continue
      if (problem !== null) return fail('CRL_INVALID', { subject: subjectOf(cert), reason: problem })
      covered++
      if (crl.revokedSerials.has(toHex(cert.serial))) return fail('CERT_REVOKED', { subject: subjectOf(cert), serial: toHex(cert.serial) })
    }
  }
  return pass('REV', `No certificate is revoked (${covered} CRL check(s))`)
}

/** RFC 5280 §5 and §6.3.3 conditions for using a CRL, or null when it is usable. */
function crlProblem(crl: ParsedCrl, issuer: ParsedCertificate, ctx: VerifyContext): string | null {
  const signed = { algorithm: crl.signatureAlgorithm, tbsDer: crl.tbsDer, signature: crl.signature }
  if (ctx.signatures.verifySigned(signed, issuer) !== 'valid') return 'not-signed-by-issuer'
  // §6.3.3 (f): the CRL issuer's keyUsage, when present, must assert cRLSign.
  if (issuer.keyUsage !== null && !issuer.keyUsage.has('cRLSign')) return 'the issuer may not sign CRLs (no cRLSign)'
  if (crl.thisUpdate.getTime() > ctx.now.getTime()) return 'the CRL is not valid yet'
  if (crl.nextUpdate !== null && crl.nextUpdate.getTime() < ctx.now.getTime()) return 'the CRL is out of date'
  // §5.2.3: conforming CRL issuers MUST include a non-critical CRL number.
  const number = crl.extensions.find((e) => e.oid === CRL_NUMBER_OID)
  if (number === undefined) return 'the CRL has no CRL number'
  if (number.critical) return 'the CRL number is marked critical'
  const unknown = crl.extensions.find((e) => e.critical && !KNOWN_CRL_EXTENSIONS.has(e.oid))
  if (unknown !== undefined) return `the CRL has an unknown critical extension ${unknown.oid}`
  return null
}
