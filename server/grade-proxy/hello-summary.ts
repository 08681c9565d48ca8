import { computeJa3 } from '../fingerprint/ja3.js'
import { computeJa4 } from '../fingerprint/ja4.js'
import { withoutGrease } from '../tls/client-hello/grease.js'
import { cipherSuiteName, groupName, signatureSchemeName, versionName } from '../tls/client-hello/names.js'
import type { ClientHello } from '../tls/client-hello/types.js'
import type { HelloSummary } from './report-card.js'

/** supported_versions when present (RFC 8446 §4.2.1), else legacy_version alone: what the hello offers. */
export function offeredVersionCodes(hello: ClientHello): number[] {
  const listed = withoutGrease(hello.supportedVersions)
  return listed.length > 0 ? listed : [hello.legacyVersion]
}

export function summarizeHello(hello: ClientHello): HelloSummary {
  return {
    versions: offeredVersionCodes(hello).map(versionName),
    cipherSuites: withoutGrease(hello.cipherSuites).map(cipherSuiteName),
    groups: withoutGrease(hello.supportedGroups).map(groupName),
    keyShares: withoutGrease(hello.keyShareGroups).map(groupName),
    signatureAlgorithms: hello.signatureAlgorithms.map(signatureSchemeName),
    ja3: computeJa3(hello).hash,
    ja4: computeJa4(hello).ja4,
  }
}
