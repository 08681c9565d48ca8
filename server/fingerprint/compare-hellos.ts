import { isGrease, withoutGrease } from '../tls/client-hello/grease.js'
import { EXT } from '../tls/client-hello/extensions.js'
import {
  cipherSuiteName,
  extensionName,
  groupName,
  signatureSchemeName,
  versionName,
} from '../tls/client-hello/names.js'
import type { ClientHello } from '../tls/client-hello/types.js'

/** A ClientHello as the catalog stores it: everything but the per-connection random. */
export type HelloFingerprint = Omit<ClientHello, 'random'>

/**
 * The ClientHello traits the detector compares. Ordered lists are split into a
 * set field and an `...Order` field, so "offers other suites" and "offers the
 * same suites in another order" read as different facts.
 */
export type HelloField =
  | 'legacyVersion'
  | 'supportedVersions'
  | 'cipherSuites'
  | 'cipherSuiteOrder'
  | 'extensions'
  | 'extensionOrder'
  | 'supportedGroups'
  | 'supportedGroupOrder'
  | 'signatureAlgorithms'
  | 'signatureAlgorithmOrder'
  | 'alpn'
  | 'ecPointFormats'
  | 'keyShareGroups'
  | 'pskModes'
  | 'compressionMethods'
  | 'grease'

export interface HelloDifference {
  field: HelloField
  /** Display names (IANA), in offered order. */
  expected: string[]
  actual: string[]
  /** For set fields: what the expected hello offered and the actual one lacks. */
  missing?: string[]
  /** For set fields: what the actual hello offers beyond the expected one. */
  extra?: string[]
}

/**
 * Extensions left out of the comparison because their presence says nothing
 * about which TLS library built the hello:
 * - server_name and ALPN: the URL and protocol, compared separately (JA4 drops them for the same reason);
 * - padding: RFC 7685 padding is added only when the unpadded hello falls in a size window, so it follows the host name's length;
 * - pre_shared_key, early_data: only on resumption (RFC 8446 §4.2.10-11);
 * - cookie: only after a HelloRetryRequest (RFC 8446 §4.2.2).
 */
export const IGNORED_EXTENSIONS: ReadonlySet<number> = new Set([EXT.serverName, EXT.alpn, 0x0015, 0x0029, EXT.earlyData, 0x002c])

/** Every trait in which `actual` differs from `expected`, GREASE values set aside (RFC 8701). */
export function compareHellos(expected: HelloFingerprint, actual: HelloFingerprint): HelloDifference[] {
  const comparedExtensions = (hello: HelloFingerprint): number[] =>
    withoutGrease(hello.extensions.map((e) => e.type)).filter((type) => !IGNORED_EXTENSIONS.has(type))
  return [
    ...compareValue('legacyVersion', [expected.legacyVersion], [actual.legacyVersion], versionName),
    ...compareValue('supportedVersions', withoutGrease(expected.supportedVersions), withoutGrease(actual.supportedVersions), versionName),
    ...compareOrdered('cipherSuites', 'cipherSuiteOrder', withoutGrease(expected.cipherSuites), withoutGrease(actual.cipherSuites), cipherSuiteName),
    ...compareOrdered('extensions', 'extensionOrder', comparedExtensions(expected), comparedExtensions(actual), extensionName),
    ...compareOrdered('supportedGroups', 'supportedGroupOrder', withoutGrease(expected.supportedGroups), withoutGrease(actual.supportedGroups), groupName),
    ...compareOrdered(
      'signatureAlgorithms',
      'signatureAlgorithmOrder',
      withoutGrease(expected.signatureAlgorithms),
      withoutGrease(actual.signatureAlgorithms),
      signatureSchemeName,
    ),
    ...compareStrings('alpn', expected.alpn.filter((p) => !isGreaseProtocol(p)), actual.alpn.filter((p) => !isGreaseProtocol(p))),
    ...compareValue('ecPointFormats', expected.ecPointFormats, actual.ecPointFormats, String),
    ...compareValue('keyShareGroups', withoutGrease(expected.keyShareGroups), withoutGrease(actual.keyShareGroups), groupName),
    ...compareValue('pskModes', expected.pskModes, actual.pskModes, String),
    ...compareValue('compressionMethods', expected.compressionMethods, actual.compressionMethods, String),
    ...compareStrings('grease', greaseSummary(expected), greaseSummary(actual)),
  ]
}

/** Names the lists that carried GREASE, e.g. ['cipherSuites', 'extensions']; empty for none. */
export function greaseSummary(hello: HelloFingerprint): string[] {
  return Object.entries(hello.hasGrease)
    .filter(([, present]) => present)
    .map(([list]) => list)
}

function isGreaseProtocol(protocol: string): boolean {
  return protocol.length === 2 && isGrease((protocol.charCodeAt(0) << 8) | protocol.charCodeAt(1))
}

function compareValue(field: HelloField, expected: number[], actual: number[], name: (v: number) => string): HelloDifference[] {
  return compareStrings(field, expected.map(name), actual.map(name))
}

function compareStrings(field: HelloField, expected: string[], actual: string[]): HelloDifference[] {
  return sameList(expected, actual) ? [] : [{ field, expected, actual }]
}

/**
 * A set difference (what is missing or extra) and, separately, an order
 * difference among the values both hellos offer: an interceptor that adds one
 * suite and one that reorders them are different findings.
 */
function compareOrdered(
  setField: HelloField,
  orderField: HelloField,
  expected: number[],
  actual: number[],
  name: (v: number) => string,
): HelloDifference[] {
  const differences: HelloDifference[] = []
  const missing = expected.filter((v) => !actual.includes(v))
  const extra = actual.filter((v) => !expected.includes(v))
  if (missing.length > 0 || extra.length > 0) {
    differences.push({ field: setField, expected: expected.map(name), actual: actual.map(name), missing: missing.map(name), extra: extra.map(name) })
  }
  const sharedExpected = expected.filter((v) => actual.includes(v))
  const sharedActual = actual.filter((v) => expected.includes(v))
  if (!sameList(sharedExpected, sharedActual)) {
    differences.push({ field: orderField, expected: sharedExpected.map(name), actual: sharedActual.map(name) })
  }
  return differences
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i])
}
