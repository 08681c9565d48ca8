import { createHash } from 'node:crypto'
import type { ClientPolicy } from '../../server/client/instrumented-client.js'
import { defineScenario, type ForgedChain, type Scenario, type ScenarioContext, type Topology } from '../define-scenario.js'
import { startSiteWithChain } from './site-with-chain.js'
import { compileChain } from './compile-chain.js'
import { LAB_ROLES, type Expectation, type ScenarioFile } from './schema.js'

/**
 * A scenario compiled from a file. `host` is the name the victim asks for
 * when it is not the runner's TARGET_HOST (an IP SAN, a wildcard, an IDN
 * look-alike): the runner must read it for those scenarios to mean anything.
 */
export type FileScenario = Scenario & { host?: string; sourceFile?: string }

/** What a legacy client changes: plain RFC 5280 path validation and the subject-CN fallback. */
export const LEGACY_POLICY: Partial<ClientPolicy> = { profile: 'rfc5280', allowCommonNameFallback: true }

/**
 * OpenSSL refuses to load an MD5/SHA-1 signed chain at the default security level ("ca md too weak"),
 * and OpenSSL 3.5 (Node 24) also a chain with an RSA key under 2048 bits ("ee key too small",
 * "ca key too small": security level 2 is its default, SSL_CTX_set_security_level(3)). The attacker's
 * proxy serves such a chain anyway: level 0 on its side only, the victim keeps its own policy.
 */
const WEAK_CHAIN_CIPHERS = 'DEFAULT@SECLEVEL=0'

/**
 * Compiles a validated file into its scenarios: always the strict one (`id`),
 * and `<id>-legacy` when the file states what a legacy client does.
 */
export function compileScenarioFile(file: ScenarioFile, sourceFile?: string): FileScenario[] {
  const strict = compileVariant(file, file.expect.strict, 'strict', sourceFile)
  if (file.expect.legacy === undefined) return [strict]
  return [strict, compileVariant(file, file.expect.legacy, 'legacy', sourceFile)]
}

function compileVariant(file: ScenarioFile, expectation: Expectation, variant: 'strict' | 'legacy', sourceFile: string | undefined): FileScenario {
  const usesWeakHash = file.chain.certificates.some((c) => c.signatureHash === 'md5' || c.signatureHash === 'sha1')
  const usesWeakKey = file.chain.certificates.some((c) => typeof c.key === 'object' && 'rsa' in c.key && c.key.rsa < 2048)
  const ciphers = file.proxy?.ciphers ?? (usesWeakHash || usesWeakKey ? WEAK_CHAIN_CIPHERS : undefined)
  const scenario = defineScenario({
    id: variant === 'strict' ? file.id : `${file.id}-legacy`,
    title: variant === 'strict' ? file.title : `${file.title} (legacy client)`,
    explanation: file.explanation,
    references: file.references,
    tags: variant === 'strict' ? file.tags : [...file.tags, 'legacy-client'],
    kind: file.kind,
    topology: topologyFor(file, ciphers),
    clientPolicy: (context) => ({ ...clientTweaks(file, context), ...(variant === 'legacy' ? LEGACY_POLICY : {}) }),
    expect: {
      verdict: expectation.verdict,
      step: expectation.step ?? null,
      ...(expectation.code === undefined ? {} : { code: expectation.code }),
    },
  })
  return { ...scenario, ...(file.host === undefined ? {} : { host: file.host }), ...(sourceFile === undefined ? {} : { sourceFile }) }
}

function topologyFor(file: ScenarioFile, ciphers: string | undefined): Topology {
  // The context's host, not the file's default: the open lab stages a scenario at `<id>.bank.lab` (server/open/).
  const forge = (context: ScenarioContext): ForgedChain =>
    compileChain(file, { pki: context.pki, now: context.now, host: file.host ?? context.host, scenarioId: file.id })
  if ((file.servedBy ?? (file.kind === 'control' ? 'site' : 'proxy')) === 'site') return { kind: 'custom', start: (context) => startSiteWithChain(forge(context)) }
  return { kind: 'intercept', forge, ...(ciphers === undefined ? {} : { clientFacingTls: { ciphers } }) }
}

function clientTweaks(file: ScenarioFile, context: ScenarioContext): Partial<ClientPolicy> {
  const tweaks: Partial<ClientPolicy> = {}
  const client = file.client
  if (client?.profile !== undefined) tweaks.profile = client.profile
  if (client?.allowCommonNameFallback !== undefined) tweaks.allowCommonNameFallback = client.allowCommonNameFallback
  if (client?.pins !== undefined) {
    tweaks.pins = client.pins.map((pin) =>
      (LAB_ROLES as readonly string[]).includes(pin) ? spkiPin(context.pki[pin as (typeof LAB_ROLES)[number]].key.spkiDer) : pin,
    )
  }
  return tweaks
}

/** RFC 7469 §2.4: base64 of the SHA-256 of the DER SubjectPublicKeyInfo. */
function spkiPin(spkiDer: Buffer): string {
  return createHash('sha256').update(spkiDer).digest('base64')
}
