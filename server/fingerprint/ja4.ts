import { createHash } from 'node:crypto'
import { withoutGrease } from '../tls/client-hello/grease.js'
import { EXT } from '../tls/client-hello/extensions.js'
import type { ClientHello } from '../tls/client-hello/types.js'

/** The JA4 family for one ClientHello (FoxIO, technical_details/JA4.md). */
export interface Ja4 {
  /** `t13d1516h2_8daaf6152771_e5627efa2ab1`: sorted lists, hashed. */
  ja4: string
  /** Raw sorted form: the strings that were hashed. */
  ja4_r: string
  /** Original wire order (SNI and ALPN kept), hashed. */
  ja4_o: string
  /** Raw original-order form. */
  ja4_ro: string
}

/** JA4: "Unknown = 00"; DTLS is not seen by a TCP server but the table is the spec's. */
const VERSION_CODES = new Map<number, string>([
  [0x0304, '13'],
  [0x0303, '12'],
  [0x0302, '11'],
  [0x0301, '10'],
  [0x0300, 's3'],
  [0x0002, 's2'],
  [0xfeff, 'd1'],
  [0xfefd, 'd2'],
  [0xfefc, 'd3'],
])

/** JA4: a part with no values is twelve zeros, "rather than running a sha256 hash of nothing". */
const EMPTY_HASH = '000000000000'

/**
 * Computes JA4 for a TLS-over-TCP ClientHello, following FoxIO's specification
 * (github.com/FoxIO-LLC/ja4, technical_details/JA4.md). GREASE is ignored
 * everywhere, as the spec says.
 *
 * @example
 * computeJa4(hello).ja4 // 't13d1516h2_8daaf6152771_e5627efa2ab1'
 */
export function computeJa4(hello: ClientHello): Ja4 {
  const ciphers = withoutGrease(hello.cipherSuites).map(hex4)
  const extensions = withoutGrease(hello.extensions.map((e) => e.type))
  const sigAlgs = withoutGrease(hello.signatureAlgorithms).map(hex4)
  const prefix = [
    't',
    versionCode(hello),
    extensions.includes(EXT.serverName) ? 'd' : 'i',
    count2(ciphers.length),
    count2(extensions.length),
    alpnCode(hello.alpn[0]),
  ].join('')

  const sortedCiphers = [...ciphers].sort().join(',')
  // JA4_c drops SNI and ALPN: "already captured in the a section".
  const sortedExtensions = extensions
    .filter((type) => type !== EXT.serverName && type !== EXT.alpn)
    .map(hex4)
    .sort()
  const sortedC = withSigAlgs(sortedExtensions.join(','), sigAlgs)
  const originalCiphers = ciphers.join(',')
  const originalC = withSigAlgs(extensions.map(hex4).join(','), sigAlgs)

  return {
    ja4: `${prefix}_${ciphers.length === 0 ? EMPTY_HASH : hash12(sortedCiphers)}_${sortedExtensions.length === 0 ? EMPTY_HASH : hash12(sortedC)}`,
    ja4_r: `${prefix}_${sortedCiphers}_${sortedC}`,
    ja4_o: `${prefix}_${ciphers.length === 0 ? EMPTY_HASH : hash12(originalCiphers)}_${extensions.length === 0 ? EMPTY_HASH : hash12(originalC)}`,
    ja4_ro: `${prefix}_${originalCiphers}_${originalC}`,
  }
}

function versionCode(hello: ClientHello): string {
  // JA4: the highest non-GREASE supported_versions value if the extension exists, else the hello's version.
  const hasSupportedVersions = hello.extensions.some((e) => e.type === EXT.supportedVersions)
  if (!hasSupportedVersions) return VERSION_CODES.get(hello.legacyVersion) ?? '00'
  // DTLS versions count down (0xfeff is 1.0); a TCP hello carries none, so numeric max is the highest.
  const offered = withoutGrease(hello.supportedVersions)
  return offered.length === 0 ? '00' : (VERSION_CODES.get(Math.max(...offered)) ?? '00')
}

/**
 * JA4 ALPN: first and last character of the first protocol; "00" if none or empty;
 * a single character is both; if either end byte is not [0-9A-Za-z], the first and
 * last characters of the value's hex instead.
 */
function alpnCode(first: string | undefined): string {
  if (first === undefined || first.length === 0) return '00'
  const head = first.charCodeAt(0)
  const tail = first.charCodeAt(first.length - 1)
  if (isAlphanumeric(head) && isAlphanumeric(tail)) return String.fromCharCode(head, tail)
  const hex = Buffer.from(first, 'latin1').toString('hex')
  return `${hex[0] ?? '0'}${hex[hex.length - 1] ?? '0'}`
}

function isAlphanumeric(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
}

function withSigAlgs(extensions: string, sigAlgs: readonly string[]): string {
  // JA4: "If there are no signature algorithms ... the string ends without an underscore."
  return sigAlgs.length === 0 ? extensions : `${extensions}_${sigAlgs.join(',')}`
}

function count2(n: number): string {
  return String(Math.min(n, 99)).padStart(2, '0')
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0')
}

function hash12(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12)
}
