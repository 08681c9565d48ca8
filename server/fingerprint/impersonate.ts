import { constants } from 'node:crypto'
import type { SecureVersion } from 'node:tls'
import { withoutGrease } from '../tls/client-hello/grease.js'
import { EXT } from '../tls/client-hello/extensions.js'
import { cipherSuiteName } from '../tls/client-hello/names.js'
import { compareHellos, type HelloDifference, type HelloField, type HelloFingerprint } from './compare-hellos.js'
import { isTls13Suite, opensslGroupName, opensslSigalgName, opensslSuiteName } from './openssl-names.js'

/** The node:tls `connect` options that shape a ClientHello. */
export interface ImpersonationOptions {
  ciphers: string
  ecdhCurve?: string
  sigalgs?: string
  ALPNProtocols?: string[]
  minVersion: SecureVersion
  maxVersion: SecureVersion
  /** SSL_OP_NO_TICKET / SSL_OP_NO_ENCRYPT_THEN_MAC when the client omits those extensions. */
  secureOptions: number
  /** status_request (RFC 6066 §8) when the client sends it. */
  requestOCSP: boolean
}

/** A difference between the client's hello and the one node:tls will send, with why no option closes it. */
export interface UnmirrorableField extends HelloDifference {
  reason: string
}

export interface ImpersonationPlan {
  options: ImpersonationOptions
  /** The hello node:tls will send with `options`, as this module's model of OpenSSL 3.5 predicts it. */
  predicted: HelloFingerprint
  /** The fields of the client's hello that node:tls cannot reproduce: what a fingerprinting server still sees. */
  unmirrorable: UnmirrorableField[]
}

const TLS_VERSIONS: ReadonlyArray<readonly [number, SecureVersion]> = [
  [0x0301, 'TLSv1'],
  [0x0302, 'TLSv1.1'],
  [0x0303, 'TLSv1.2'],
  [0x0304, 'TLSv1.3'],
]
const TLS12 = 0x0303
const TLS13 = 0x0304
const RENEGOTIATION_INFO = 0xff01
const EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff
const SESSION_TICKET = 0x0023
const ENCRYPT_THEN_MAC = 0x0016
const STATUS_REQUEST = 0x0005
const EXTENDED_MASTER_SECRET = 0x0017

/**
 * The order in which OpenSSL 3.x writes client extensions (ssl/statem/extensions.c
 * `ext_defs`), as seen in the hellos of node:tls, curl and openssl s_client.
 */
const OPENSSL_EXTENSION_ORDER = [
  0xff01, 0x0000, 0x0001, 0x000b, 0x000a, 0x0023, 0x0005, 0x0010, 0x000e, 0x0016, 0x0012, 0x0017, 0x0032, 0x0031,
  0x000d, 0x002b, 0x002d, 0x0033, 0x002c, 0x002a, 0x002f, 0x0015, 0x0029,
]

const REASONS: Record<HelloField, string> = {
  legacyVersion: 'OpenSSL derives legacy_version from the version range',
  supportedVersions: 'OpenSSL lists one contiguous version range, highest first, without GREASE',
  cipherSuites: 'OpenSSL cannot offer these suites (unimplemented or GREASE), and signals secure renegotiation with the extension rather than the SCSV',
  cipherSuiteOrder: 'OpenSSL puts TLS 1.3 suites first',
  extensions: 'node:tls has no option to send or to omit these extensions',
  extensionOrder: 'OpenSSL writes extensions in its own fixed order (ssl/statem/extensions.c)',
  supportedGroups: 'OpenSSL 3.5 does not implement these groups',
  supportedGroupOrder: 'OpenSSL keeps the configured group order; this difference comes from dropped groups',
  signatureAlgorithms: 'OpenSSL 3.5 cannot name these signature schemes',
  signatureAlgorithmOrder: 'OpenSSL keeps the configured order; this difference comes from dropped schemes',
  alpn: 'ALPN values node:tls would not send',
  ecPointFormats: 'OpenSSL always offers uncompressed, ansiX962_compressed_prime and ansiX962_compressed_char2',
  keyShareGroups: 'OpenSSL sends key shares only for groups it implements, in its configured group order',
  pskModes: 'OpenSSL always offers psk_dhe_ke only',
  compressionMethods: 'OpenSSL offers only the null compression method',
  grease: 'OpenSSL never sends GREASE values (RFC 8701)',
}

/**
 * Plans how a proxy can re-originate a client's hello with node:tls: the
 * connect options that mirror cipher order, groups, signature schemes, ALPN
 * and version range, and the fields that stay different whatever the options.
 *
 * @example
 * const { options, unmirrorable } = planImpersonation(clientHello)
 * tls.connect({ host, port, servername, ...options })
 */
export function planImpersonation(hello: HelloFingerprint): ImpersonationPlan {
  const versions = offeredTlsVersions(hello)
  const minVersion = Math.min(...versions)
  const maxVersion = Math.max(...versions)
  const suites = withoutGrease(hello.cipherSuites).filter((s) => opensslSuiteName(s) !== undefined && (maxVersion >= TLS13 || !isTls13Suite(s)))
  const tls13Suites = maxVersion >= TLS13 ? suites.filter(isTls13Suite) : []
  const olderSuites = minVersion <= TLS12 ? suites.filter((s) => !isTls13Suite(s)) : []
  const groups = withoutGrease(hello.supportedGroups).filter((g) => opensslGroupName(g) !== undefined)
  // OpenSSL 3.5 sends a key share for every group marked `*` in the list, in list order, and for
  // the first group when none is marked (SSL_CTX_set1_groups_list(3)): so the client's own key
  // shares — e.g. a browser's X25519MLKEM768 + X25519 pair — can be mirrored.
  const keyShareSet = new Set(withoutGrease(hello.keyShareGroups))
  const markedShares = groups.filter((g) => keyShareSet.has(g))
  const keyShares = markedShares.length > 0 ? markedShares : groups.slice(0, 1)
  const sigalgs = withoutGrease(hello.signatureAlgorithms).filter((s) => opensslSigalgName(s) !== undefined)
  const alpn = hello.alpn
  const has = (type: number): boolean => hello.extensions.some((e) => e.type === type)

  // OpenSSL 3.5 offers TLS 1.0 and 1.1 only at security level 0 (SSL_CTX_set_security_level(3));
  // an OpenSSL 3.0 client such as Debian's curl still offers them, so mirroring it needs level 0.
  const offersLegacyVersions = minVersion < TLS12
  const options: ImpersonationOptions = {
    ciphers: [...tls13Suites, ...olderSuites].map((s) => opensslSuiteName(s) ?? '').join(':') + (offersLegacyVersions ? ':@SECLEVEL=0' : ''),
    ...(groups.length > 0
      ? { ecdhCurve: groups.map((g) => (markedShares.includes(g) ? '*' : '') + (opensslGroupName(g) ?? '')).join(':') }
      : {}),
    ...(sigalgs.length > 0 ? { sigalgs: sigalgs.map((s) => opensslSigalgName(s) ?? '').join(':') } : {}),
    ...(alpn.length > 0 ? { ALPNProtocols: alpn } : {}),
    minVersion: secureVersion(minVersion),
    maxVersion: secureVersion(maxVersion),
    secureOptions: (has(SESSION_TICKET) ? 0 : constants.SSL_OP_NO_TICKET) | (has(ENCRYPT_THEN_MAC) ? 0 : constants.SSL_OP_NO_ENCRYPT_THEN_MAC),
    requestOCSP: has(STATUS_REQUEST),
  }
  const isTls13 = maxVersion >= TLS13
  const hasTls12 = minVersion <= TLS12
  const usesEcc = olderSuites.some((s) => /ECDHE|ECDSA/.test(cipherSuiteName(s)))
  // Secure renegotiation (RFC 5746 §3.4): OpenSSL 3.5 sends the empty renegotiation_info extension
  // when TLS 1.2 is its lowest version, and the SCSV instead when TLS 1.0 is allowed too
  // (ssl/statem/extensions_clnt.c tls_construct_ctos_renegotiate; both measured on Node 24.22.3).
  const signalsWithScsv = hasTls12 && offersLegacyVersions
  const sends = new Set<number>([
    ...(hasTls12 && !signalsWithScsv ? [RENEGOTIATION_INFO] : []),
    ...(hello.sni === null ? [] : [EXT.serverName]),
    ...(hasTls12 && usesEcc ? [EXT.ecPointFormats] : []),
    ...(groups.length > 0 ? [EXT.supportedGroups] : []),
    ...(has(SESSION_TICKET) ? [SESSION_TICKET] : []),
    ...(options.requestOCSP ? [STATUS_REQUEST] : []),
    ...(alpn.length > 0 ? [EXT.alpn] : []),
    ...(hasTls12 && has(ENCRYPT_THEN_MAC) ? [ENCRYPT_THEN_MAC] : []),
    ...(hasTls12 ? [EXTENDED_MASTER_SECRET] : []),
    EXT.signatureAlgorithms,
    ...(isTls13 ? [EXT.supportedVersions, EXT.pskKeyExchangeModes, EXT.keyShare] : []),
  ])
  const extensionTypes = OPENSSL_EXTENSION_ORDER.filter((type) => sends.has(type))
  const predicted: HelloFingerprint = {
    ...hello,
    legacyVersion: Math.min(maxVersion, TLS12),
    cipherSuites: [...tls13Suites, ...olderSuites, ...(signalsWithScsv ? [EMPTY_RENEGOTIATION_INFO_SCSV] : [])],
    compressionMethods: [0],
    extensions: extensionTypes.map((type) => ({ type, length: hello.extensions.find((e) => e.type === type)?.length ?? 0 })),
    alpn,
    supportedVersions: isTls13 ? versions.filter((v) => v >= minVersion).sort((a, b) => b - a) : [],
    supportedGroups: groups,
    signatureAlgorithms: sigalgs,
    ecPointFormats: sends.has(EXT.ecPointFormats) ? [0, 1, 2] : [],
    keyShareGroups: isTls13 ? keyShares : [],
    pskModes: isTls13 ? [1] : [],
    hasRenegotiationInfo: hasTls12 && !signalsWithScsv,
    hasEarlyData: false,
    hasGrease: { cipherSuites: false, extensions: false, supportedGroups: false, supportedVersions: false, signatureAlgorithms: false, keyShareGroups: false, alpn: false },
  }
  const unmirrorable = compareHellos(hello, predicted).map((difference) => ({ ...difference, reason: REASONS[difference.field] }))
  return { options, predicted, unmirrorable }
}

/** The fields of `hello` that node:tls cannot reproduce, with the reason for each. */
export function unmirrorableFields(hello: HelloFingerprint): UnmirrorableField[] {
  return planImpersonation(hello).unmirrorable
}

/** The TLS versions the hello offers that node:tls can speak (TLS 1.0 to 1.3), as a contiguous range. */
function offeredTlsVersions(hello: HelloFingerprint): number[] {
  const listed = withoutGrease(hello.supportedVersions)
  const offered = (listed.length > 0 ? listed : [hello.legacyVersion]).filter((v) => v >= 0x0301 && v <= TLS13)
  const low = offered.length > 0 ? Math.min(...offered) : TLS12
  const high = offered.length > 0 ? Math.max(...offered) : TLS12
  return TLS_VERSIONS.map(([code]) => code).filter((code) => code >= low && code <= high)
}

function secureVersion(code: number): SecureVersion {
  return TLS_VERSIONS.find(([v]) => v === code)?.[1] ?? 'TLSv1.2'
}
