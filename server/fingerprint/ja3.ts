import { createHash } from 'node:crypto'
import { withoutGrease } from '../tls/client-hello/grease.js'
import type { ClientHello } from '../tls/client-hello/types.js'

export interface Ja3 {
  /** `SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats`, decimal, '-'-joined. */
  text: string
  /** MD5 of `text`, lower-case hex: the JA3 fingerprint. */
  hash: string
}

/**
 * JA3 of a ClientHello, per Salesforce's reference (github.com/salesforce/ja3):
 * legacy_version, then cipher suites, extension types (wire order), supported
 * groups and EC point formats, each as decimal values joined by '-', with GREASE
 * (RFC 8701) removed; the fingerprint is the MD5 of that string.
 *
 * @example
 * computeJa3(hello).hash // 'e7d705a3286e19ea42f587b344ee6865'
 */
export function computeJa3(hello: ClientHello): Ja3 {
  const text = [
    String(hello.legacyVersion),
    withoutGrease(hello.cipherSuites).join('-'),
    withoutGrease(hello.extensions.map((e) => e.type)).join('-'),
    withoutGrease(hello.supportedGroups).join('-'),
    hello.ecPointFormats.join('-'),
  ].join(',')
  return { text, hash: createHash('md5').update(text).digest('hex') }
}
