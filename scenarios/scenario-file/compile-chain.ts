import {
  generateKeyPair,
  issueCertificate,
  type GeneralNameSpec,
  type IssueCertificateParams,
  type IssuedCertificate,
  type KeyPair,
  type KeySpec,
  type LabPki,
  type NameSpec,
} from '../../ca/index.js'
import { ScenarioError } from '../../server/errors.js'
import { formatIpBytes, parseCertificate } from '../../server/x509/index.js'
import type { ForgedChain } from '../define-scenario.js'
import { explicitCurveSpki } from './explicit-curve.js'
import { LAB_ROLES, type CertificateSpec, type GeneralNameInput, type KeySpecInput, type ScenarioFile } from './schema.js'
import { resolveTime } from './time-offset.js'

/** Where a chain is built: the world's PKI, the moment, the victim's host. */
export interface ChainContext {
  pki: LabPki
  now: Date
  host: string
  /** Scopes cached keys: the same certificate of the same scenario reuses its RSA key within a process. */
  scenarioId: string
}

/**
 * RSA keys are slow to make (RSA-2048 ~110 ms, RSA-4096 ~1 s), so each is
 * generated once per process per (scenario, certificate) or per shared label.
 * EC and Ed25519 keys cost well under a millisecond and are made fresh.
 */
const keyCache = new Map<string, KeyPair>()

/** Builds every certificate of the file, top-down, and returns the ones served, in serve order. */
export function compileChain(file: ScenarioFile, context: ChainContext): ForgedChain {
  const built = new Map<string, IssuedCertificate>()
  const lookup = (name: string): IssuedCertificate => {
    const certificate = built.get(name) ?? (isRole(name) ? context.pki[name] : undefined)
    if (certificate === undefined) throw new ScenarioError('SCENARIO_INVALID', `Scenario ${file.id}: no certificate "${name}"`)
    return certificate
  }
  for (const spec of file.chain.certificates) built.set(spec.name, buildCertificate(spec, context, lookup))
  const served = file.chain.serve.map(lookup)
  const description = file.chain.description ?? `Served: ${file.chain.serve.join(' → ')}`
  return { served, description }
}

function buildCertificate(spec: CertificateSpec, context: ChainContext, lookup: (name: string) => IssuedCertificate): IssuedCertificate {
  const isLeaf = spec.template === 'leaf'
  const now = context.now
  const key = resolveKey(spec.key, `${context.scenarioId}/${spec.name}`, lookup)
  const params: IssueCertificateParams = {
    subject: subjectOf(spec, context.host, lookup),
    key,
    notBefore: resolveTime(spec.notBefore ?? '-1h', now),
    notAfter: resolveTime(spec.notAfter ?? (isLeaf ? '30d' : '365d'), now),
  }
  if (spec.issuer !== 'self') params.issuer = lookup(spec.issuer)
  const sans = spec.sans === undefined ? (isLeaf ? [{ dns: context.host }] : undefined) : spec.sans === null ? undefined : expandSans(spec.sans, lookup)
  if (sans !== undefined) params.sans = sans
  const basicConstraints = spec.basicConstraints === undefined ? { ca: !isLeaf } : spec.basicConstraints
  if (basicConstraints !== null) params.basicConstraints = stripUndefined(basicConstraints)
  const keyUsage = spec.keyUsage === undefined ? (isLeaf ? ['digitalSignature' as const] : ['keyCertSign' as const, 'cRLSign' as const]) : spec.keyUsage
  if (keyUsage !== null) params.keyUsage = keyUsage
  const eku = spec.extendedKeyUsage === undefined ? (isLeaf ? ['serverAuth'] : null) : spec.extendedKeyUsage
  if (eku !== null) params.extendedKeyUsage = eku
  if (spec.nameConstraints !== undefined) params.nameConstraints = stripUndefined(spec.nameConstraints)
  if (spec.version !== undefined) params.version = spec.version
  if (spec.signatureHash !== undefined) params.signatureHash = spec.signatureHash
  if (spec.rsaPadding !== undefined) params.rsaPadding = spec.rsaPadding
  if (spec.serialNumber !== undefined) params.serialNumber = spec.serialNumber
  if (spec.extensions !== undefined) {
    params.extra = spec.extensions.map((e) => ({ oid: e.oid, critical: e.critical, valueDer: Buffer.from(e.valueHex, 'hex') }))
  }
  if (spec.tamper === 'flip-signature-bit') params.tamper = 'flip-signature-bit'
  if (typeof spec.tamper === 'object') {
    // The certificate now names another key; the proxy serves that key so the TLS handshake still works.
    const replacement = resolveKey(spec.tamper.replaceKey, `${context.scenarioId}/${spec.name}/replacement`, lookup)
    return { ...issueCertificate({ ...params, tamper: { replaceSpki: replacement.spkiDer } }), key: replacement }
  }
  return issueCertificate(params)
}

function subjectOf(spec: CertificateSpec, host: string, lookup: (name: string) => IssuedCertificate): NameSpec {
  if (spec.subject === undefined) return { CN: host }
  const { sameAs, ...fields } = spec.subject
  const base = sameAs === undefined ? {} : { ...lookup(sameAs).subject }
  return { ...base, ...stripUndefined(fields) }
}

function expandSans(sans: GeneralNameInput[], lookup: (name: string) => IssuedCertificate): GeneralNameSpec[] {
  return sans.flatMap((san): GeneralNameSpec[] => {
    if (typeof san === 'string') return [{ dns: san }]
    if ('dnsRange' in san) {
      return Array.from({ length: san.dnsRange.count }, (_, index) => ({ dns: san.dnsRange.pattern.replaceAll('{i}', String(index + 1)) }))
    }
    if ('sameAs' in san) return copiedSans(lookup(san.sameAs))
    return [san]
  })
}

/** The subjectAltName entries of an existing certificate, as a forging proxy copies them (mitmproxy). */
function copiedSans(certificate: IssuedCertificate): GeneralNameSpec[] {
  const parsed = parseCertificate(certificate.der)
  if (!parsed.ok) throw new ScenarioError('SCENARIO_INVALID', 'The certificate to copy names from cannot be parsed')
  return (parsed.value.subjectAltNames ?? []).flatMap((name): GeneralNameSpec[] => {
    if (name.type === 'dns') return [{ dns: name.value }]
    if (name.type === 'ip') return [{ ip: formatIpBytes(name.bytes) }]
    if (name.type === 'email') return [{ email: name.value }]
    if (name.type === 'uri') return [{ uri: name.value }]
    return []
  })
}

function resolveKey(spec: KeySpecInput | undefined, slot: string, lookup: (name: string) => IssuedCertificate): KeyPair {
  if (spec === undefined) return generateKeyPair({ type: 'ec', curve: 'P-256' })
  if (spec === 'ed25519') return generateKeyPair({ type: 'ed25519' })
  if ('reuse' in spec) return lookup(spec.reuse).key
  const keySpec: KeySpec = 'rsa' in spec ? { type: 'rsa', bits: spec.rsa } : { type: 'ec', curve: spec.ec }
  const isCached = keySpec.type === 'rsa' || spec.shared !== undefined
  const key = isCached ? cachedKey(`${spec.shared === undefined ? slot : `shared:${spec.shared}`}:${JSON.stringify(keySpec)}`, keySpec) : generateKeyPair(keySpec)
  if ('explicitParameters' in spec && spec.explicitParameters === true) return { ...key, spkiDer: explicitCurveSpki(key.spkiDer) }
  return key
}

function cachedKey(cacheKey: string, spec: KeySpec): KeyPair {
  const cached = keyCache.get(cacheKey)
  if (cached !== undefined) return cached
  const key = generateKeyPair(spec)
  keyCache.set(cacheKey, key)
  return key
}

function isRole(name: string): name is (typeof LAB_ROLES)[number] {
  return (LAB_ROLES as readonly string[]).includes(name)
}

/** zod's optional fields may hold undefined; exactOptionalPropertyTypes wants them absent. */
type Defined<T> = { [K in keyof T]: Exclude<T[K], undefined> }

function stripUndefined<T extends object>(fields: T): Defined<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Defined<T>
}
