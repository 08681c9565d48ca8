import { createHash, randomBytes } from 'node:crypto'
import { generateKeyPair, issueCertificate, type IssueCertificateParams, type IssuedCertificate } from '../../ca/index.js'
import { LabError } from '../errors.js'
import { signPrecertSct, type CtLog } from './ct-log.js'
import { encodeTlv, tbsWithoutExtension } from './der-surgery.js'
import { encodeSctList, PRECERT_POISON_OID, SCT_LIST_OID, type SignedCertificateTimestamp } from './signed-certificate-timestamp.js'

/** One SCT to embed: which log signs it, and how an attacker may spoil it. */
export interface SctSpec {
  log: CtLog
  /** forge-signature: signed with `log`'s key but claiming `claimLogId` (mockttp-style fake SCTs). */
  forge?: { claimLogId: Buffer }
  /** Default: the certificate's notBefore. */
  timestamp?: Date
}

export interface LoggedCertificate {
  certificate: IssuedCertificate
  precertificate: IssuedCertificate
  scts: SignedCertificateTimestamp[]
}

/**
 * The RFC 6962 precertificate flow, as a CA really embeds SCTs:
 * 1. issue a precertificate carrying the critical poison extension (§3.1);
 * 2. each log signs an SCT over the PreCert entry: the issuer key hash and the
 *    TBS without the poison (§3.2);
 * 3. issue the final certificate, identical but for the SCT list extension (§3.3).
 *
 * @example
 * const { certificate } = issueLoggedCertificate({ subject: { CN: 'bank.lab' }, issuer }, [{ log }])
 */
export function issueLoggedCertificate(params: IssueCertificateParams & { issuer: IssuedCertificate }, scts: SctSpec[]): LoggedCertificate {
  // Everything random is fixed up front so the two issuances share one TBS.
  const fixed = {
    ...params,
    key: params.key ?? generateKeyPair(params.keySpec ?? { type: 'rsa', bits: 2048 }),
    // Positive, 16 bytes, no leading zero (RFC 5280 §4.1.2.2).
    serialNumber: params.serialNumber ?? `5${randomBytes(16).toString('hex').slice(1)}`,
    notBefore: params.notBefore ?? new Date(Date.now() - 3_600_000),
  }
  const extra = params.extra ?? []
  const precertificate = issueCertificate({ ...fixed, extra: [...extra, { oid: PRECERT_POISON_OID, critical: true, valueDer: Buffer.from([0x05, 0x00]) }] })
  const tbsDer = tbsWithoutExtension(precertificate.der, PRECERT_POISON_OID)
  if (tbsDer === null) throw new LabError('CA_SIGNING_FAILED', 'The precertificate just issued cannot be re-read')
  const issuerKeyHash = createHash('sha256').update(params.issuer.key.spkiDer).digest()
  const signed = scts.map((spec) =>
    signPrecertSct(spec.log, { issuerKeyHash, tbsDer }, spec.timestamp ?? fixed.notBefore, spec.forge?.claimLogId),
  )
  const sctExtension = scts.length === 0 ? [] : [{ oid: SCT_LIST_OID, critical: false, valueDer: octetString(encodeSctList(signed)) }]
  const certificate = issueCertificate({ ...fixed, extra: [...extra, ...sctExtension] })
  return { certificate, precertificate, scts: signed }
}

/** RFC 6962 §3.3: the TLS-encoded list goes inside an ASN.1 OCTET STRING. */
function octetString(contents: Buffer): Buffer {
  return encodeTlv(0x04, contents)
}
