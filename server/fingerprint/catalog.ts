import recordedCatalog from './catalog.json' with { type: 'json' }
import { z } from 'zod'
import type { HelloFingerprint } from './compare-hellos.js'

/**
 * The fingerprint catalog of the lab's own clients. It is recorded by
 * `record-catalog.ts` from real hellos on loopback and checked in as
 * catalog.json; nothing in it is typed by hand.
 */

const numbers = z.array(z.number().int().min(0).max(0xffff))

const helloSchema = z.object({
  recordVersion: z.number().int(),
  legacyVersion: z.number().int(),
  sessionIdLength: z.number().int(),
  cipherSuites: numbers,
  compressionMethods: numbers,
  extensions: z.array(z.object({ type: z.number().int(), length: z.number().int() })),
  sni: z.string().nullable(),
  alpn: z.array(z.string()),
  supportedVersions: numbers,
  supportedGroups: numbers,
  signatureAlgorithms: numbers,
  ecPointFormats: numbers,
  keyShareGroups: numbers,
  pskModes: numbers,
  hasRenegotiationInfo: z.boolean(),
  hasEarlyData: z.boolean(),
  hasGrease: z.object({
    cipherSuites: z.boolean(),
    extensions: z.boolean(),
    supportedGroups: z.boolean(),
    supportedVersions: z.boolean(),
    signatureAlgorithms: z.boolean(),
    keyShareGroups: z.boolean(),
    alpn: z.boolean(),
  }),
  handshakeLength: z.number().int(),
  recordCount: z.number().int(),
}) satisfies z.ZodType<HelloFingerprint>

export const catalogEntrySchema = z.object({
  /** Lab client id (lab-clients.ts), also what the `x-mitmlab-client` header names. */
  clientId: z.string(),
  description: z.string(),
  /** What built the hello, e.g. "curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1 OpenSSL/3.0.19 ...". */
  software: z.string(),
  /** The User-Agent header the client sends by default, recorded over HTTP; null if it sends none or speaks no HTTP. */
  userAgent: z.string().nullable(),
  ja3: z.string(),
  ja3Text: z.string(),
  ja4: z.string(),
  ja4_r: z.string(),
  ja4_o: z.string(),
  ja4_ro: z.string(),
  hello: helloSchema,
})

export const catalogSchema = z.object({
  recordedAt: z.string(),
  entries: z.array(catalogEntrySchema),
})

export type CatalogEntry = z.infer<typeof catalogEntrySchema>
export type Catalog = z.infer<typeof catalogSchema>

export const CATALOG_URL = new URL('./catalog.json', import.meta.url)

let cached: Catalog | undefined

/** The checked-in catalog, validated once. */
export function loadCatalog(): Catalog {
  // A JSON import, not a file read: it resolves the same under Node, tsx, Vite and a DOM test
  // environment (where vitest rewrites import.meta.url to an http: URL).
  cached ??= catalogSchema.parse(recordedCatalog)
  return cached
}

/** What a connection says it is: the lab's `x-mitmlab-client` id and/or the User-Agent header. */
export interface ClientClaim {
  clientId?: string | undefined
  userAgent?: string | undefined
}

/**
 * The catalog entry a claim names: the client id if given, else the entry whose
 * recorded User-Agent has the same product token (RFC 9110 §10.1.5: `curl/8.1` → `curl`).
 */
export function findClaimedEntry(claim: ClientClaim, catalog: Catalog = loadCatalog()): CatalogEntry | undefined {
  if (claim.clientId !== undefined) return catalog.entries.find((entry) => entry.clientId === claim.clientId)
  if (claim.userAgent === undefined) return undefined
  const product = productToken(claim.userAgent)
  return catalog.entries.find((entry) => entry.userAgent !== null && productToken(entry.userAgent) === product)
}

function productToken(userAgent: string): string {
  return (userAgent.trim().split(/[\s/]/)[0] ?? '').toLowerCase()
}
