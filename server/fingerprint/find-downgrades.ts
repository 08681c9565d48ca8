import { withoutGrease } from '../tls/client-hello/grease.js'
import { EXT } from '../tls/client-hello/extensions.js'
import { cipherSuiteName, groupName, signatureSchemeName, versionName } from '../tls/client-hello/names.js'
import { isQuantumResistant } from '../tls/key-exchange-group.js'
import type { HelloFingerprint } from './compare-hellos.js'

/** Ways a re-originated hello is weaker than the one it replaces; each code states a fact. */
export type DowngradeCode =
  /** The highest offered version is lower (e.g. TLS 1.3 dropped). */
  | 'MAX_VERSION_LOWERED'
  /** An older version than the client accepts is offered (e.g. TLS 1.0 added). */
  | 'MIN_VERSION_LOWERED'
  /** Broken suites are added: RC4, DES, 3DES, NULL, EXPORT, anonymous or MD5 (RFC 7465, RFC 8996 era). */
  | 'WEAK_CIPHERS_ADDED'
  /** Static-RSA key exchange suites, without forward secrecy, are added. */
  | 'STATIC_RSA_CIPHERS_ADDED'
  /** SHA-1 signature schemes are added (RFC 9155 deprecates them). */
  | 'SHA1_SIGNATURES_ADDED'
  /** extended_master_secret (RFC 7627) was offered by the client and is not upstream. */
  | 'EXTENDED_MASTER_SECRET_DROPPED'
  /** Secure renegotiation signalling (RFC 5746: extension or SCSV) was offered and is not upstream. */
  | 'RENEGOTIATION_PROTECTION_DROPPED'
  /**
   * The client offered a post-quantum hybrid group (X25519MLKEM768, draft-ietf-tls-ecdhe-mlkem) and the
   * upstream hello does not: the bank's leg falls back to classical ECDH, which a recording made today
   * lets a future quantum computer decrypt ("harvest now, decrypt later").
   */
  | 'HYBRID_GROUP_REMOVED'

export interface Downgrade {
  code: DowngradeCode
  /** What the stronger hello offered (display names). */
  expected: string[]
  /** What the weaker hello offers instead, or adds (display names). */
  actual: string[]
}

const EXTENDED_MASTER_SECRET = 0x0017
const EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff
const SHA1_SCHEMES = new Set([0x0201, 0x0202, 0x0203])
const WEAK_SUITE = /_(RC4|DES|3DES|NULL|EXPORT|anon)_|_MD5$/
const STATIC_RSA_SUITE = /^TLS_RSA_WITH_/

/**
 * Security downgrades of `actual` relative to `expected`: the fields that make
 * the actual hello's connection weaker, not merely different. Durumeric et al.,
 * "The Security Impact of HTTPS Interception" (NDSS 2017), §6 grades the same traits.
 */
export function findDowngrades(expected: HelloFingerprint, actual: HelloFingerprint): Downgrade[] {
  const downgrades: Downgrade[] = []
  const expectedVersions = offeredVersions(expected)
  const actualVersions = offeredVersions(actual)
  if (Math.max(...actualVersions) < Math.max(...expectedVersions)) {
    downgrades.push({ code: 'MAX_VERSION_LOWERED', expected: [versionName(Math.max(...expectedVersions))], actual: [versionName(Math.max(...actualVersions))] })
  }
  if (Math.min(...actualVersions) < Math.min(...expectedVersions)) {
    downgrades.push({ code: 'MIN_VERSION_LOWERED', expected: [versionName(Math.min(...expectedVersions))], actual: [versionName(Math.min(...actualVersions))] })
  }
  const addedSuites = withoutGrease(actual.cipherSuites)
    .filter((suite) => !expected.cipherSuites.includes(suite))
    .map(cipherSuiteName)
  pushIfAny(downgrades, 'WEAK_CIPHERS_ADDED', addedSuites.filter((name) => WEAK_SUITE.test(name)))
  pushIfAny(downgrades, 'STATIC_RSA_CIPHERS_ADDED', addedSuites.filter((name) => STATIC_RSA_SUITE.test(name) && !WEAK_SUITE.test(name)))
  pushIfAny(
    downgrades,
    'SHA1_SIGNATURES_ADDED',
    actual.signatureAlgorithms.filter((s) => SHA1_SCHEMES.has(s) && !expected.signatureAlgorithms.includes(s)).map(signatureSchemeName),
  )
  if (hasExtension(expected, EXTENDED_MASTER_SECRET) && !hasExtension(actual, EXTENDED_MASTER_SECRET)) {
    downgrades.push({ code: 'EXTENDED_MASTER_SECRET_DROPPED', expected: ['extended_master_secret'], actual: [] })
  }
  const quantumResistant = (hello: HelloFingerprint): string[] =>
    withoutGrease(hello.supportedGroups).map(groupName).filter((name) => isQuantumResistant(name))
  const offeredPq = quantumResistant(expected)
  if (offeredPq.length > 0 && quantumResistant(actual).length === 0) {
    downgrades.push({ code: 'HYBRID_GROUP_REMOVED', expected: offeredPq, actual: withoutGrease(actual.supportedGroups).map(groupName) })
  }
  if (signalsSecureRenegotiation(expected) && !signalsSecureRenegotiation(actual)) {
    downgrades.push({ code: 'RENEGOTIATION_PROTECTION_DROPPED', expected: ['renegotiation_info or TLS_EMPTY_RENEGOTIATION_INFO_SCSV'], actual: [] })
  }
  return downgrades
}

/** supported_versions when present (RFC 8446 §4.2.1), else legacy_version alone. */
function offeredVersions(hello: HelloFingerprint): number[] {
  const listed = withoutGrease(hello.supportedVersions)
  return listed.length > 0 ? listed : [hello.legacyVersion]
}

function hasExtension(hello: HelloFingerprint, type: number): boolean {
  return hello.extensions.some((e) => e.type === type)
}

function signalsSecureRenegotiation(hello: HelloFingerprint): boolean {
  return hello.hasRenegotiationInfo || hasExtension(hello, EXT.renegotiationInfo) || hello.cipherSuites.includes(EMPTY_RENEGOTIATION_INFO_SCSV)
}

function pushIfAny(downgrades: Downgrade[], code: DowngradeCode, added: string[]): void {
  if (added.length > 0) downgrades.push({ code, expected: [], actual: added })
}
