import { z } from 'zod'
import { STEP_IDS } from '../../server/steps/step-ids.js'
import { FAILURE_STEP } from '../../server/verifier/codes.js'
import { timeProblem } from './time-offset.js'
import { cidrProblem, cipherStringProblem, ipAddressProblem, MAX_PATH_LEN, oidProblem, serialNumberProblem } from './runnable-values.js'

/**
 * The declarative scenario file (YAML or JSON): one certificate-parameter
 * attack or control, written by a trainer without TypeScript. Every object is
 * strict, so a misspelt field is an error that names it rather than a silent
 * default. Cross-references (issuer, reuse, serve) are checked by
 * `checkReferences` after parsing.
 */

const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/
const FAILURE_CODES = Object.keys(FAILURE_STEP) as [keyof typeof FAILURE_STEP, ...(keyof typeof FAILURE_STEP)[]]

/** Lab PKI roles a file may name as an issuer, a key to reuse, a pin, or a certificate to serve. */
export const LAB_ROLES = ['trustedRoot', 'trustedIntermediate', 'interceptionCa', 'attackerCa', 'genuineLeaf'] as const
export type LabRoleName = (typeof LAB_ROLES)[number]

const timeOffset = z.string({ error: 'expected a duration like "-30d" or an ISO date' }).superRefine((value, ctx) => {
  const problem = timeProblem(value)
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem })
})

/** A string the lab can build and serve: `problem` says why not (runnable-values.ts), in the field's own message. */
const runnable = (base: z.ZodString, problem: (value: string) => string | null): z.ZodString =>
  base.superRefine((value, ctx) => {
    const reason = problem(value)
    if (reason !== null) ctx.addIssue({ code: 'custom', message: reason })
  })

const oid = runnable(z.string(), oidProblem)

const certificateName = z.string().regex(NAME_PATTERN, { error: 'expected a name: a letter, then letters, digits, "-" or "_"' })

const nameSpec = z.strictObject({
  C: z.string().optional(),
  ST: z.string().optional(),
  L: z.string().optional(),
  O: z.string().optional(),
  OU: z.string().optional(),
  CN: z.string().optional(),
  /** Start from another certificate's subject (a role or a certificate above), then override fields. */
  sameAs: certificateName.optional(),
})

const generalName = z.union(
  [
    z.string(),
    z.strictObject({ dns: z.string() }),
    z.strictObject({ ip: runnable(z.string(), ipAddressProblem) }),
    z.strictObject({ email: z.string() }),
    z.strictObject({ uri: z.string() }),
    z.strictObject({
      /** `count` DNS names from a pattern: "{i}" becomes 1..count. */
      dnsRange: z.strictObject({ pattern: z.string().includes('{i}'), count: z.int().min(1).max(20_000) }),
    }),
    z.strictObject({ sameAs: certificateName }),
  ],
  { error: 'expected a DNS name, or one of { dns }, { ip }, { email }, { uri }, { dnsRange: { pattern, count } }, { sameAs: NAME }' },
)

const subtree = z.union(
  [z.strictObject({ dns: z.string() }), z.strictObject({ ip: runnable(z.string(), cidrProblem) }), z.strictObject({ email: z.string() }), z.strictObject({ uri: z.string() })],
  { error: 'expected one of { dns }, { ip: CIDR }, { email }, { uri }' },
)

const keySpec = z.union(
  [
    z.strictObject({ rsa: z.union([z.literal(1024), z.literal(2048), z.literal(3072), z.literal(4096)]), shared: z.string().optional() }),
    z.strictObject({
      ec: z.enum(['P-256', 'P-384', 'P-521']),
      shared: z.string().optional(),
      /** Write the curve's parameters out in the SPKI instead of naming it (CurveBall, RFC 5480 §2.1.1). */
      explicitParameters: z.boolean().optional(),
    }),
    z.literal('ed25519'),
    z.strictObject({ reuse: certificateName }),
  ],
  { error: 'expected { rsa: 1024|2048|3072|4096 }, { ec: P-256|P-384|P-521 }, ed25519 or { reuse: NAME }' },
)

const EKU_NAMES = ['serverAuth', 'clientAuth', 'codeSigning', 'emailProtection', 'timeStamping', 'OCSPSigning', 'anyExtendedKeyUsage'] as const

const ekuName = z.string().superRefine((value, ctx) => {
  if ((EKU_NAMES as readonly string[]).includes(value)) return
  const reason = /^[\d.]+$/.test(value) ? oidProblem(value) : `expected ${EKU_NAMES.join(', ')} or a dotted OID`
  if (reason !== null) ctx.addIssue({ code: 'custom', message: reason })
})

const keyUsageName = z.enum([
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
])

export const certificateSpecSchema = z.strictObject({
  name: certificateName,
  /** leaf: CN/SAN for the victim's host, serverAuth, CA:FALSE. ca: CA:TRUE critical, keyCertSign + cRLSign. */
  template: z.enum(['leaf', 'ca']).default('leaf'),
  /** A lab role, a certificate defined above, or `self`. */
  issuer: certificateName,
  subject: nameSpec.optional(),
  /** null: no subjectAltName extension at all. */
  sans: z.array(generalName).nullable().optional(),
  notBefore: timeOffset.optional(),
  notAfter: timeOffset.optional(),
  key: keySpec.optional(),
  version: z.union([z.literal(1), z.literal(3)]).optional(),
  basicConstraints: z.strictObject({ ca: z.boolean(), pathLen: z.int().min(0).max(MAX_PATH_LEN, { error: `expected at most ${MAX_PATH_LEN} (the CA writes a 32-bit INTEGER)` }).optional(), critical: z.boolean().optional() }).nullable().optional(),
  keyUsage: z.array(keyUsageName).nullable().optional(),
  extendedKeyUsage: z.array(ekuName).nullable().optional(),
  nameConstraints: z.strictObject({ permitted: z.array(subtree).optional(), excluded: z.array(subtree).optional(), critical: z.boolean().optional() }).optional(),
  signatureHash: z.enum(['sha224', 'sha256', 'sha384', 'sha512', 'sha1', 'md5']).optional(),
  rsaPadding: z.enum(['pkcs1', 'pss']).optional(),
  serialNumber: runnable(z.string().regex(/^[0-9a-fA-F]+$/, { error: 'expected hex digits' }), serialNumberProblem).optional(),
  /** Damage after signing: a flipped signature bit, or the SPKI replaced by another key (the served key follows). */
  tamper: z.union([z.literal('flip-signature-bit'), z.strictObject({ replaceKey: keySpec })], {
    error: 'expected flip-signature-bit or { replaceKey: KEY }',
  }).optional(),
  /** Extensions written byte for byte: valueHex is the DER inside extnValue. */
  extensions: z
    .array(z.strictObject({ oid, critical: z.boolean(), valueHex: z.string().regex(/^([0-9a-fA-F]{2})*$/, { error: 'expected hex bytes' }) }))
    .optional(),
})

const expectation = z
  .strictObject({
    verdict: z.enum(['accept', 'reject']),
    step: z.enum(STEP_IDS).optional(),
    code: z.enum(FAILURE_CODES).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.verdict === 'reject' && value.step === undefined) ctx.addIssue({ code: 'custom', path: ['step'], message: 'a rejected scenario must name its catching step' })
    if (value.verdict === 'accept' && (value.step !== undefined || value.code !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['step'], message: 'an accepted scenario has no catching step or code' })
    }
    if (value.code !== undefined && value.step !== undefined && FAILURE_STEP[value.code] !== value.step) {
      ctx.addIssue({ code: 'custom', path: ['code'], message: `${value.code} is reported by step ${FAILURE_STEP[value.code]}, not ${value.step}` })
    }
  })

export const scenarioFileSchema = z.strictObject({
  id: z.string().regex(ID_PATTERN, { error: 'expected a kebab-case id (a-z, 0-9, single dashes)' }),
  title: z.string().min(1),
  explanation: z.string().min(1),
  references: z.array(z.string()).default([]),
  tags: z.array(z.string()).default([]),
  kind: z.enum(['attack', 'control']),
  /** The name the victim asks for. Default: bank.lab (the runner's TARGET_HOST). */
  host: z.string().min(1).optional(),
  expect: z.strictObject({
    /** The default client: webpki profile, no CN fallback. */
    strict: expectation,
    /** A legacy client (rfc5280 profile, CN fallback allowed); when given, the file also yields `<id>-legacy`. */
    legacy: expectation.optional(),
  }),
  /** Victim policy tweaks applied to both clients. Pins: a lab role (its key's SPKI) or a base64 SHA-256. */
  client: z
    .strictObject({
      pins: z.array(z.string()).optional(),
      profile: z.enum(['webpki', 'rfc5280']).optional(),
      allowCommonNameFallback: z.boolean().optional(),
    })
    .optional(),
  /**
   * Who presents the chain. proxy: the intercepting proxy (attacks). site: the bank's own server is
   * configured with it, no attacker on the path (false-reject controls). Default: proxy for
   * attacks, site for controls.
   */
  servedBy: z.enum(['proxy', 'site']).optional(),
  /** The proxy's client-facing TLS (OpenSSL cipher string, e.g. to load weak-hash chains). */
  proxy: z.strictObject({ ciphers: runnable(z.string(), cipherStringProblem).optional() }).optional(),
  chain: z.strictObject({
    certificates: z.array(certificateSpecSchema).min(1),
    /** What the proxy sends, leaf first: certificate names or lab roles. */
    serve: z.array(certificateName).min(1),
    /** One sentence for the connection record: what exactly was forged. */
    description: z.string().optional(),
  }),
})

export type ScenarioFile = z.infer<typeof scenarioFileSchema>
export type CertificateSpec = z.infer<typeof certificateSpecSchema>
export type KeySpecInput = z.infer<typeof keySpec>
export type GeneralNameInput = z.infer<typeof generalName>
export type Expectation = z.infer<typeof expectation>
