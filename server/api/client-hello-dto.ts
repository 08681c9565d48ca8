import { findClaimedEntry, loadCatalog, type Catalog, type CatalogEntry } from '../fingerprint/catalog.js'
import { IGNORED_EXTENSIONS, type HelloFingerprint } from '../fingerprint/compare-hellos.js'
import type { GenuineRequest, RequestFingerprint } from '../lab/scenario-result.js'
import { cipherSuiteName, extensionName, groupName, versionName } from '../tls/client-hello/names.js'

/** A ClientHello in display names (IANA), in offered order, GREASE kept as `GREASE (0x?a?a)`. */
export interface HelloViewDto {
  versions: string[]
  cipherSuites: string[]
  groups: string[]
  alpn: string[]
  extensions: string[]
}

/** The hello the claimed client really sends, from the recorded catalog (server/fingerprint/catalog.json). */
export interface SentHelloDto {
  clientId: string
  software: string
  ja4: string
  hello: HelloViewDto
}

/**
 * The genuine server's fingerprint of one request, plus what the page needs to
 * show it next to the claimed client's own hello (issue 8, "both ClientHellos
 * side by side"). Keeps every field of RequestFingerprint.
 */
export type RequestFingerprintDto = RequestFingerprint & {
  /** The hello as received, with extension names. */
  received: HelloViewDto
  /** The claimed client's recorded hello; null when the claim names no catalog entry. */
  sent: SentHelloDto | null
  /** Extensions the detector does not compare (they follow the host name or resumption, not the TLS library). */
  uncomparedExtensions: string[]
}

export type GenuineRequestDto = Omit<GenuineRequest, 'fingerprint'> & { fingerprint: RequestFingerprintDto | null }

const UNCOMPARED_EXTENSION_NAMES = [...IGNORED_EXTENSIONS].map(extensionName)

export function toHelloView(hello: HelloFingerprint): HelloViewDto {
  return {
    versions: (hello.supportedVersions.length > 0 ? hello.supportedVersions : [hello.legacyVersion]).map(versionName),
    cipherSuites: hello.cipherSuites.map(cipherSuiteName),
    groups: hello.supportedGroups.map(groupName),
    alpn: [...hello.alpn],
    extensions: hello.extensions.map((extension) => extensionName(extension.type)),
  }
}

/** Adds the display form of both hellos; the catalog entry is the one the detector compared against (the claimed client id). */
export function toGenuineRequestDto(request: GenuineRequest, catalog?: Catalog): GenuineRequestDto {
  const { fingerprint } = request
  // Results stored before fingerprints existed have none (undefined in the JSON).
  if (fingerprint == null) return { ...request, fingerprint: null }
  // Loaded only for a fingerprinted request: a result without fingerprints never reads the catalog file.
  const entry = claimedEntry(fingerprint.detection.claimed, catalog ?? loadCatalog())
  return {
    ...request,
    fingerprint: {
      ...fingerprint,
      received: { ...fingerprint.hello, extensions: fingerprint.hello.extensions.map(extensionName) },
      sent: entry === undefined ? null : { clientId: entry.clientId, software: entry.software, ja4: entry.ja4, hello: toHelloView(entry.hello) },
      uncomparedExtensions: UNCOMPARED_EXTENSION_NAMES,
    },
  }
}

/** The detector's claim is the client id, else the User-Agent (detect-interception.ts): look it up the same way. */
function claimedEntry(claimed: string | null, catalog: Catalog): CatalogEntry | undefined {
  if (claimed === null) return undefined
  return findClaimedEntry({ clientId: claimed }, catalog) ?? findClaimedEntry({ userAgent: claimed }, catalog)
}
