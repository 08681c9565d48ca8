import type { SecureVersion } from 'node:tls'
import type { ClientPolicy } from '../../server/client/instrumented-client.js'
import { forgedLeaf } from '../attacks/forge-helpers.js'
import type { IssuedCertificate } from '../../ca/index.js'
import { defineScenario, type Scenario, type ScenarioContext } from '../define-scenario.js'
import type { ExpectedOutcome } from '../../server/lab/scenario-result.js'
import { startForgingMiddlebox } from './support/forging-middlebox.js'

/**
 * OpenSSL 3 refuses TLS 1.0/1.1 (SHA-1 handshake signatures) and NULL or
 * anonymous suites above security level 0 (OpenSSL 3.0 "SECLEVEL" notes), so
 * both the legacy proxy and the legacy client drop to level 0. RC4 and 3DES
 * are gone from Node 20's OpenSSL entirely and cannot be staged.
 */
const LEGACY_CIPHERS = 'ALL:eNULL:@SECLEVEL=0'

/** A client from 2012: offers everything down to TLS 1.0, every suite, and enforces no protocol policy. */
const LEGACY_CLIENT: Partial<ClientPolicy> = {
  protocol: { minVersion: 'TLSv1', requireModernCipher: false },
  offerMinVersion: 'TLSv1',
  ciphers: LEGACY_CIPHERS,
}

interface ProxyTls {
  minVersion?: SecureVersion
  maxVersion: SecureVersion
  ciphers: string
}

/**
 * The proxy forges with the installed interception CA (trusted by the victim)
 * so that only the protocol policy decides: the certificate steps all pass.
 */
function weakenedProxy(tls: ProxyTls): Scenario['topology'] {
  return {
    kind: 'custom',
    start: (context, upstream) => startForgingMiddlebox(upstream, [rsaLeafFor(context), context.pki.interceptionCa], [], tls),
  }
}

const rsaLeaves = new WeakMap<ScenarioContext['pki'], IssuedCertificate>()

/** ECDHE-RSA and static-RSA suites need an RSA key; one per PKI, since RSA key generation costs up to a second. */
function rsaLeafFor(context: ScenarioContext): IssuedCertificate {
  let leaf = rsaLeaves.get(context.pki)
  if (leaf === undefined || leaf.notBefore > context.now || leaf.notAfter.getTime() < context.now.getTime() + 86_400_000) {
    leaf = forgedLeaf(context, context.pki.interceptionCa, { keySpec: { type: 'rsa', bits: 2048 } })
    rsaLeaves.set(context.pki, leaf)
  }
  return leaf
}

interface ProtocolCase {
  id: string
  title: string
  explanation: string
  references: string[]
  tags: string[]
  proxy: ProxyTls
  strict: ExpectedOutcome
  legacy?: ExpectedOutcome
}

const CASES: ProtocolCase[] = [
  {
    id: 'downgrade-tls10',
    title: 'Version downgrade: the proxy speaks only TLS 1.0/1.1',
    explanation:
      'The proxy offers nothing newer than TLS 1.1, as old interception appliances and nogotofail\'s droptls do. ' +
      'A client with a TLS 1.2 minimum (RFC 8996) cannot agree on a version and stops; a legacy client that still ' +
      'offers TLS 1.0 falls back and sends its login over a 1999-era protocol with CBC-mode MAC-then-encrypt.',
    references: ['RFC 8996', 'RFC 7507 (TLS_FALLBACK_SCSV)', 'nogotofail droptls', 'badssl.com tls-v1-0'],
    tags: ['protocol', 'downgrade'],
    proxy: { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: LEGACY_CIPHERS },
    strict: { verdict: 'reject', step: 'PROTO', code: 'PROTOCOL_VERSION_TOO_OLD' },
    legacy: { verdict: 'accept', step: null },
  },
  {
    id: 'drop-tls13',
    title: 'TLS 1.3 dropped: the proxy stops at TLS 1.2',
    explanation:
      'The proxy terminates TLS with a server capped at TLS 1.2 (ECDHE + AES-GCM). A strict client with a 1.2 minimum ' +
      'accepts, and rightly: TLS 1.2 with forward secrecy and AEAD is still allowed (RFC 9325 §3.1.1). The TLS 1.3 ' +
      'downgrade sentinel (RFC 8446 §4.1.3) cannot help here: a terminating proxy is the server, and writes its own ' +
      'ServerHello. The sentinel only exposes a relay that edits a genuine 1.3 server\'s handshake. The interception ' +
      'itself is the installed CA\'s, so the login leaks.',
    references: ['RFC 8446 §4.1.3', 'RFC 9325 §3.1.1'],
    tags: ['protocol', 'downgrade', 'teaching'],
    proxy: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' },
    strict: { verdict: 'accept', step: null },
  },
  {
    id: 'weak-cipher-cbc',
    title: 'Weak cipher: the proxy offers only a CBC (non-AEAD) suite',
    explanation:
      'TLS 1.2 with ECDHE-RSA-AES128-SHA: forward secret, but CBC with MAC-then-encrypt, the construction behind ' +
      'BEAST, Lucky 13 and POODLE-style padding oracles. Node still offers it by default; a client that requires AEAD ' +
      '(RFC 9325 §4.2) refuses it after the handshake, a legacy client accepts.',
    references: ['RFC 9325 §4.2', 'Lucky 13 (AlFardan & Paterson 2013)', 'badssl.com cbc'],
    tags: ['protocol', 'cipher'],
    proxy: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA' },
    strict: { verdict: 'reject', step: 'PROTO', code: 'WEAK_CIPHER_SUITE' },
    legacy: { verdict: 'accept', step: null },
  },
  {
    id: 'no-forward-secrecy',
    title: 'Weak cipher: static RSA key exchange (no forward secrecy)',
    explanation:
      'TLS_RSA_WITH_AES_128_GCM_SHA256: AEAD, but the session key is encrypted to the certificate key, so whoever ' +
      'later gets that key decrypts every recorded session. A client requiring (EC)DHE refuses it.',
    references: ['RFC 9325 §4.1', 'RFC 7525 §6.3'],
    tags: ['protocol', 'cipher'],
    proxy: { maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256' },
    strict: { verdict: 'reject', step: 'PROTO', code: 'WEAK_CIPHER_SUITE' },
  },
  {
    id: 'null-cipher',
    title: 'NULL cipher: authenticated but unencrypted',
    explanation:
      'The proxy offers only ECDHE-RSA-NULL-SHA: a real handshake and a MAC on every record, but no encryption at ' +
      'all. A modern client never offers NULL suites, so the handshake fails at PROTO; a legacy client that offers ' +
      '"ALL:eNULL" accepts and sends its password readable by anyone on the wire.',
    references: ['RFC 4785', 'nogotofail', 'badssl.com null'],
    tags: ['protocol', 'cipher'],
    proxy: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-NULL-SHA:@SECLEVEL=0' },
    strict: { verdict: 'reject', step: 'PROTO', code: 'WEAK_CIPHER_SUITE' },
    legacy: { verdict: 'accept', step: null },
  },
  {
    id: 'anonymous-cipher',
    title: 'Anonymous cipher: no certificate at all',
    explanation:
      'The proxy offers only anonymous ECDH suites (aNULL): no certificate is sent, so there is nothing to verify and ' +
      'anyone can be the server. A strict client never offers them (PROTO); a legacy client offering everything ' +
      'completes the handshake and is then caught by TRUST, because no certificate was presented (nogotofail anonserver).',
    references: ['RFC 4492 §2.5 (ECDH_anon)', 'nogotofail anonserver', 'badssl.com null/anon'],
    tags: ['protocol', 'cipher'],
    proxy: { maxVersion: 'TLSv1.2', ciphers: 'aNULL:@SECLEVEL=0' },
    strict: { verdict: 'reject', step: 'PROTO', code: 'WEAK_CIPHER_SUITE' },
    legacy: { verdict: 'reject', step: 'TRUST', code: 'NO_CERTIFICATES' },
  },
]

function scenariosFor(entry: ProtocolCase): Scenario[] {
  const strict = defineScenario({
    id: entry.legacy === undefined ? entry.id : `${entry.id}-strict`,
    title: entry.legacy === undefined ? entry.title : `${entry.title} (strict client)`,
    explanation: entry.explanation,
    references: entry.references,
    tags: [...entry.tags, 'strict'],
    kind: 'attack',
    topology: weakenedProxy(entry.proxy),
    expect: entry.strict,
  })
  if (entry.legacy === undefined) return [strict]
  const legacy = defineScenario({
    id: `${entry.id}-legacy`,
    title: `${entry.title} (legacy client)`,
    explanation: entry.explanation,
    references: entry.references,
    tags: [...entry.tags, 'legacy'],
    kind: 'attack',
    topology: weakenedProxy(entry.proxy),
    clientPolicy: () => LEGACY_CLIENT,
    expect: entry.legacy,
  })
  return [strict, legacy]
}

export const protocolScenarios: Scenario[] = CASES.flatMap(scenariosFor)
