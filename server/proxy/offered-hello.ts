import type { ClientHello } from '../tls/client-hello/parse-client-hello.js'
import { cipherSuiteName, groupName, versionName } from '../tls/client-hello/names.js'
import type { OfferedHello } from './connection-record.js'

/** What a ClientHello offered, in the names people read (IANA). */
export function describeOfferedHello(hello: ClientHello): OfferedHello {
  // RFC 8446 §4.2.1: supported_versions, when present, replaces legacy_version.
  const versions = hello.supportedVersions.length > 0 ? hello.supportedVersions : [hello.legacyVersion]
  return {
    versions: versions.map(versionName),
    cipherSuites: hello.cipherSuites.map(cipherSuiteName),
    alpn: hello.alpn,
    groups: hello.supportedGroups.map(groupName),
    ja3: null,
    ja4: null,
  }
}
