import { createHash, verify } from 'node:crypto'
import { failStep, passStep, skipStep, type StepResult } from '../steps/step-result.js'
import { readSingle } from '../x509/der-reader.js'
import { parseCertificate } from '../x509/index.js'
import { publicKeyOf, type KnownCtLog } from './ct-log.js'
import { tbsWithoutExtension } from './der-surgery.js'
import { decodeSctList, HASH_SHA256, precertSignedData, SCT_LIST_OID, type SignedCertificateTimestamp } from './signed-certificate-timestamp.js'

/** A client's CT policy (what Chrome and Safari enforce, reduced to its core). */
export interface CtPolicy {
  /** The logs the client trusts, by id. */
  logs: KnownCtLog[]
  /** How many valid SCTs from distinct known logs a certificate needs. Chrome: 2 or 3 by lifetime; default 1. */
  minValidScts?: number
}

export type CtFailureCode =
  /** The certificate carries no SCT list at all (RFC 6962 §3.3). */
  | 'SCT_MISSING'
  /** The SCT list extension cannot be decoded. */
  | 'SCT_LIST_MALFORMED'
  /** Every SCT names a log the client does not know. */
  | 'SCT_UNKNOWN_LOG'
  /** An SCT names a known log but its signature does not verify with that log's key. */
  | 'SCT_BAD_SIGNATURE'
  /** An SCT is timestamped in the future. */
  | 'SCT_FROM_FUTURE'
  /** Some SCTs are valid, but fewer than the policy requires. */
  | 'NOT_ENOUGH_SCTS'
  /** The issuer is unknown, so the PreCert entry (issuer key hash) cannot be rebuilt. */
  | 'SCT_ISSUER_UNKNOWN'

type SctOutcome = 'valid' | 'unknown-log' | 'bad-signature' | 'future' | 'unsupported-algorithm'

export interface CheckCtParams {
  leafDer: Uint8Array
  /** The issuer's SubjectPublicKeyInfo, DER; null when the path did not reach one. */
  issuerSpkiDer: Uint8Array | null
  policy: CtPolicy | undefined
  now: Date
}

/**
 * CT: the leaf carries enough SCTs embedded by logs the client knows, each
 * signature verifying over the PreCert entry rebuilt from the certificate
 * (RFC 6962 §3.2, §5.2). A certificate a trusted CA issued in secret, as in
 * DigiNotar 2011 or Symantec 2015, has none.
 */
export function checkCertificateTransparency(params: CheckCtParams): StepResult {
  const { policy } = params
  if (policy === undefined) return skipStep('CT', 'NOT_CONFIGURED', 'This client does not enforce Certificate Transparency')
  const minimum = policy.minValidScts ?? 1
  const parsed = parseCertificate(params.leafDer)
  if (!parsed.ok) return fail('SCT_LIST_MALFORMED', `The leaf cannot be parsed: ${parsed.reason}`)
  const extension = parsed.value.extensions.find((e) => e.oid === SCT_LIST_OID)
  if (extension === undefined) {
    return fail('SCT_MISSING', `The certificate carries no SCTs: no log has seen it, and this client requires ${minimum}`, { required: minimum })
  }
  const octets = readSingle(extension.value)
  const list = octets === null || octets.identifier !== 0x04 ? null : decodeSctList(Buffer.from(octets.value))
  if (list === null || !list.ok) return fail('SCT_LIST_MALFORMED', `The SCT list is malformed: ${list?.reason ?? 'not an OCTET STRING'}`)
  if (params.issuerSpkiDer === null) return fail('SCT_ISSUER_UNKNOWN', 'The issuer is unknown, so no SCT can be checked')
  const tbsDer = tbsWithoutExtension(params.leafDer, SCT_LIST_OID)
  if (tbsDer === null) return fail('SCT_LIST_MALFORMED', 'The TBSCertificate cannot be rebuilt without the SCT list')
  const issuerKeyHash = createHash('sha256').update(params.issuerSpkiDer).digest()
  const outcomes = list.scts.map((sct) => ({ sct, outcome: judgeSct(sct, policy.logs, { issuerKeyHash, tbsDer }, params.now) }))
  const validLogs = new Set(outcomes.filter((o) => o.outcome === 'valid').map((o) => o.sct.logId.toString('hex')))
  const detail = {
    required: minimum,
    valid: validLogs.size,
    scts: outcomes.map(({ sct, outcome }) => ({
      logId: sct.logId.toString('base64'),
      log: policy.logs.find((log) => log.logId.equals(sct.logId))?.description ?? null,
      timestamp: new Date(Number(sct.timestamp)).toISOString(),
      outcome,
    })),
  }
  if (validLogs.size >= minimum) return passStep('CT', `${validLogs.size} valid SCT(s) from known logs (policy: ${minimum})`, detail)
  const has = (outcome: SctOutcome): boolean => outcomes.some((o) => o.outcome === outcome)
  if (has('bad-signature')) return fail('SCT_BAD_SIGNATURE', 'An SCT claims a known log, but its signature does not verify with that log\'s key: it is forged', detail)
  if (has('future')) return fail('SCT_FROM_FUTURE', 'An SCT is timestamped in the future', detail)
  if (validLogs.size === 0 && has('unknown-log')) return fail('SCT_UNKNOWN_LOG', 'Every SCT comes from a log this client does not know', detail)
  return fail('NOT_ENOUGH_SCTS', `Only ${validLogs.size} valid SCT(s) from known logs; the policy requires ${minimum}`, detail)
}

function judgeSct(sct: SignedCertificateTimestamp, logs: KnownCtLog[], entry: { issuerKeyHash: Buffer; tbsDer: Buffer }, now: Date): SctOutcome {
  const log = logs.find((candidate) => candidate.logId.equals(sct.logId))
  if (log === undefined || sct.version !== 0) return 'unknown-log'
  if (sct.hashAlgorithm !== HASH_SHA256) return 'unsupported-algorithm'
  const signed = precertSignedData({ timestamp: sct.timestamp, ...entry, extensions: sct.extensions })
  let isValid: boolean
  try {
    isValid = verify('sha256', signed, publicKeyOf(log), sct.signature)
  } catch {
    isValid = false
  }
  if (!isValid) return 'bad-signature'
  return sct.timestamp > BigInt(now.getTime()) ? 'future' : 'valid'
}

function fail(code: CtFailureCode, message: string, detail?: Record<string, unknown>): StepResult {
  return failStep('CT', code, message, detail)
}
