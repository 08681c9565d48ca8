import { describe, expect, it } from 'vitest'
import { STEP_IDS, type StepId } from '../../../server/steps/step-ids.js'
import { FAILURE_RANK, FAILURE_STEP, describeFailure, verify, type FailureCode } from '../../../server/verifier/index.js'
import { makeChain, makeIntermediate, makeLeaf, makeRoot, stepOf, verifyChain } from './support/make-chain.js'

describe('verify', () => {
  it('records all 13 certificate steps in STEP_IDS order, even after a failure', () => {
    const { root, intermediate } = makeChain()
    const leaf = makeLeaf(intermediate, { sans: [{ dns: 'evil.lab' }], notAfter: new Date('2024-12-01T00:00:00Z') })
    const report = verifyChain([leaf, intermediate], [root])
    const steps = report.steps.map((s) => s.step)
    expect(steps).toEqual(['TRUST', 'SIG', 'DATES', 'HOST', 'BC', 'PATHLEN', 'KU', 'EKU', 'NC', 'ALG', 'CRIT', 'REV', 'PIN'])
    expect(steps).toEqual(STEP_IDS.filter((id) => steps.includes(id)))
    expect(stepOf(report, 'DATES').code).toBe('CERT_EXPIRED')
    expect(stepOf(report, 'HOST').code).toBe('HOSTNAME_MISMATCH')
  })

  it('names the highest-ranked failure as the catching step (expired beats wrong host)', () => {
    const { root, intermediate } = makeChain()
    const leaf = makeLeaf(intermediate, { sans: [{ dns: 'evil.lab' }], notAfter: new Date('2024-12-01T00:00:00Z') })
    expect(verifyChain([leaf, intermediate], [root])).toMatchObject({ verdict: 'reject', catchingStep: 'DATES', code: 'CERT_EXPIRED' })
  })

  it('ranks a definite defect above "no anchor" (a self-signed leaf for the wrong host is caught by HOST)', () => {
    const report = verifyChain([makeLeaf(undefined, { sans: [{ dns: 'evil.lab' }] })], [makeRoot()])
    expect(report).toMatchObject({ catchingStep: 'HOST', code: 'HOSTNAME_MISMATCH' })
    expect(stepOf(report, 'TRUST').code).toBe('SELF_SIGNED_LEAF')
  })

  it('returns the accepted path as summaries and no catching step', () => {
    const { root, intermediate, leaf } = makeChain()
    const report = verifyChain([leaf, intermediate], [root])
    expect(report).toMatchObject({ verdict: 'accept', catchingStep: null, code: null })
    expect(report.path[0]).toMatchObject({ subject: 'CN=bank.lab', sans: [{ type: 'dns', value: 'bank.lab' }], isCa: null })
    expect(report.steps.filter((s) => s.status === 'fail')).toEqual([])
  })

  it('is pure: the same input gives the same report', () => {
    const { root, intermediate, leaf } = makeChain()
    const other = makeIntermediate(makeRoot({ subject: { CN: 'X' } }))
    expect(verifyChain([leaf, other, intermediate], [root])).toEqual(verifyChain([leaf, other, intermediate], [root]))
  })

  it.each<[string, Uint8Array[], string]>([
    ['no certificate at all', [], 'NO_CERTIFICATES'],
    ['a leaf that is not DER', [Buffer.from('not a certificate')], 'CERT_MALFORMED'],
  ])('%s: rejected at TRUST (%s), every other step skipped for want of a path, in STEP_IDS order', (_name, presented, code) => {
    const report = verify({ presented, trustAnchors: [makeRoot().der], expectedHost: 'bank.lab', now: new Date('2026-11-24T00:00:00Z') })
    expect(report).toMatchObject({ verdict: 'reject', catchingStep: 'TRUST', code, path: [], rejectedCandidates: [] })
    expect(report.steps.map((s) => [s.step, s.status, s.code])).toEqual([
      ['TRUST', 'fail', code],
      ...['SIG', 'DATES', 'HOST', 'BC', 'PATHLEN', 'KU', 'EKU', 'NC', 'ALG', 'CRIT', 'REV', 'PIN'].map((step) => [step, 'skip', 'NO_PATH']),
    ])
  })

  it.each(FAILURES)('%s is reported by %s: “%s”', (code, step, sentence) => {
    expect(FAILURE_STEP[code]).toBe(step)
    expect(describeFailure(code, DETAIL)).toBe(sentence)
  })

  it('ranks failures in this order, most specific first (the table above), and covers every code', () => {
    const byRank = (Object.keys(FAILURE_RANK) as FailureCode[]).sort((a, b) => FAILURE_RANK[b] - FAILURE_RANK[a])
    expect(byRank).toEqual(FAILURES.map(([code]) => code))
    expect(new Set(Object.values(FAILURE_RANK)).size).toBe(byRank.length)
  })
})

/** Every detail field a sentence may use, so that a sentence dropping one shows. */
const DETAIL = {
  subject: 'CN=leaf.lab',
  issuer: 'CN=Lab CA',
  expected: 'bank.lab',
  presented: ['evil.lab', 'www.evil.lab'],
  now: '2026-11-24T00:00:00Z',
  notBefore: '2027-01-01T00:00:00Z',
  notAfter: '2026-01-01T00:00:00Z',
  pathLen: 0,
  below: 1,
  oid: '1.2.3.4',
  name: 'nameConstraints',
  constraint: 'excluded .lab',
  algorithm: 'sha1WithRSAEncryption',
  key: 'RSA-1024',
  depth: 8,
  reason: 'bad length',
  child: 'CN=bank.lab',
  critical: true,
  version: 1,
}

/** Every failure code, highest rank first, with the step that reports it and its sentence for DETAIL. */
const FAILURES: [FailureCode, StepId, string][] = [
  ['PATH_BUDGET_EXCEEDED', 'TRUST', 'Building the certification path took too much work and was abandoned'],
  ['NO_CERTIFICATES', 'TRUST', 'The server presented no certificate'],
  ['CERT_MALFORMED', 'TRUST', `The server's certificate is not valid DER (bad length)`],
  ['BAD_SIGNATURE', 'SIG', 'The signature on "CN=leaf.lab" does not verify with the key of "CN=Lab CA"'],
  ['INVALID_ISSUER_KEY', 'SIG', 'The public key of "CN=Lab CA" cannot be used to verify "CN=leaf.lab"'],
  ['SIGNATURE_ALGORITHM_MISMATCH', 'SIG', '"CN=leaf.lab" names two different signature algorithms inside and outside its signed part'],
  ['CERT_EXPIRED', 'DATES', '"CN=leaf.lab" expired on 2026-01-01T00:00:00Z (now 2026-11-24T00:00:00Z)'],
  ['CERT_NOT_YET_VALID', 'DATES', '"CN=leaf.lab" is not valid until 2027-01-01T00:00:00Z (now 2026-11-24T00:00:00Z)'],
  ['INVALID_REFERENCE_NAME', 'HOST', '"bank.lab" is not a valid DNS name or IP address to check against'],
  ['HOSTNAME_MISMATCH', 'HOST', 'Certificate is for evil.lab, www.evil.lab, not bank.lab'],
  ['NO_SUBJECT_ALT_NAME', 'HOST', 'The certificate has no subjectAltName naming a host, so it cannot be for bank.lab'],
  ['CA_USED_AS_END_ENTITY', 'BC', '"CN=leaf.lab" is a CA certificate used as a server certificate'],
  ['END_ENTITY_USED_AS_CA', 'BC', '"CN=leaf.lab" is not a CA but issued "CN=bank.lab"'],
  ['BASIC_CONSTRAINTS_NOT_CRITICAL', 'BC', '"CN=leaf.lab" is a CA whose basicConstraints is not marked critical'],
  ['PATH_LEN_EXCEEDED', 'PATHLEN', '"CN=leaf.lab" allows 0 intermediate(s) below it, but 1 follow'],
  ['ISSUER_NOT_CERT_SIGNER', 'KU', '"CN=leaf.lab" issued a certificate but its key usage does not allow certificate signing'],
  ['KEY_CERT_SIGN_WITHOUT_CA', 'KU', '"CN=leaf.lab" claims certificate signing in key usage without being a CA'],
  ['LEAF_KEY_USAGE_INSUFFICIENT', 'KU', '"CN=leaf.lab" may not be used for bank.lab: its key usage is evil.lab, www.evil.lab'],
  ['EKU_MISSING_SERVER_AUTH', 'EKU', '"CN=leaf.lab" is not for TLS servers: its extended key usage is evil.lab, www.evil.lab'],
  ['ISSUER_EKU_MISSING_SERVER_AUTH', 'EKU', '"CN=leaf.lab" may only issue for evil.lab, www.evil.lab, not TLS servers'],
  ['NAME_CONSTRAINTS_BUDGET_EXCEEDED', 'NC', 'Checking name constraints took too much work and was abandoned'],
  ['NAME_EXCLUDED', 'NC', 'The name nameConstraints is excluded by "CN=Lab CA" (excluded .lab)'],
  ['NAME_NOT_PERMITTED', 'NC', 'The name nameConstraints is outside what "CN=Lab CA" may issue for'],
  ['NAME_CONSTRAINTS_INVALID', 'NC', 'The name constraints of "CN=leaf.lab" are invalid (bad length)'],
  ['NAME_CONSTRAINTS_UNCHECKABLE', 'NC', 'The name nameConstraints cannot be checked against the name constraints of "CN=Lab CA"'],
  ['WEAK_SIGNATURE_HASH', 'ALG', '"CN=leaf.lab" is signed with sha1WithRSAEncryption, which is no longer safe'],
  ['WEAK_RSA_KEY', 'ALG', '"CN=leaf.lab" has a weak RSA key (RSA-1024)'],
  ['EC_EXPLICIT_PARAMETERS', 'ALG', '"CN=leaf.lab" has an EC key with explicit curve parameters, which are forbidden'],
  ['UNSUPPORTED_KEY_TYPE', 'ALG', '"CN=leaf.lab" has a key type that is not allowed (RSA-1024)'],
  ['UNSUPPORTED_SIGNATURE_ALGORITHM', 'ALG', '"CN=leaf.lab" is signed with an algorithm that is not allowed (sha1WithRSAEncryption)'],
  ['UNKNOWN_CRITICAL_EXTENSION', 'CRIT', '"CN=leaf.lab" has a critical extension 1.2.3.4 that the client does not understand'],
  ['EXTENSION_MALFORMED', 'CRIT', '"CN=leaf.lab" has a malformed nameConstraints extension'],
  ['DUPLICATE_EXTENSION', 'CRIT', '"CN=leaf.lab" contains the nameConstraints extension twice'],
  ['EXTENSION_CRITICALITY_INVALID', 'CRIT', '"CN=leaf.lab" marks nameConstraints critical, which is not allowed'],
  ['REQUIRED_EXTENSION_MISSING', 'CRIT', '"CN=leaf.lab" lacks the required nameConstraints'],
  ['EMPTY_NAME', 'CRIT', 'A certificate has an empty nameConstraints'],
  ['UNSUPPORTED_VERSION', 'CRIT', '"CN=leaf.lab" is a version 1 certificate; only v3 is accepted'],
  ['INVALID_SERIAL_NUMBER', 'CRIT', '"CN=leaf.lab" has an invalid serial number (bad length)'],
  ['CERT_REVOKED', 'REV', '"CN=leaf.lab" has been revoked by its issuer'],
  ['CRL_INVALID', 'REV', 'The CRL for "CN=leaf.lab" cannot be used (bad length)'],
  ['PIN_MISMATCH', 'PIN', 'No certificate on the path has a pinned key (2 checked)'],
  ['MAX_DEPTH_EXCEEDED', 'TRUST', 'Every path to a trust anchor is longer than the allowed depth of 8'],
  ['SELF_SIGNED_LEAF', 'TRUST', 'The certificate for bank.lab is self-signed and not trusted'],
  ['UNTRUSTED_ROOT', 'TRUST', 'The chain ends at "CN=leaf.lab", a self-signed root that is not trusted'],
  ['UNKNOWN_ISSUER', 'TRUST', 'Nobody trusted vouches for "CN=leaf.lab": its issuer "CN=Lab CA" is neither a trust anchor nor presented'],
]
