import { CaError } from '../server/errors.js'
import type { IssuedCertificate } from './issue-certificate.js'
import { generateKeyPair, type KeyPair, type KeySpec } from './key-pair.js'
import { LeafTemplate } from './leaf-template.js'

const HOUR_MS = 3_600_000
/** A template's leaves start one hour in its past (clock skew); after another hour a new template starts. */
const TEMPLATE_LIFETIME_MS = HOUR_MS
/** RFC 1035 §2.3.4: a DNS name is at most 253 characters as text. */
const MAX_HOST_LENGTH = 253

export interface LeafCacheParams<T> {
  /** The CA that signs every forged leaf (the interception CA the victim installed). */
  issuer: IssuedCertificate
  /** One key for every leaf, as mitmproxy does: forging then costs one signature, no key generation. */
  key?: KeyPair
  /** Used when `key` is absent. Default: EC P-256 (cheap handshakes). */
  keySpec?: KeySpec
  /** LRU bound on the hosts kept. Default: 1000. */
  maxHosts?: number
  /** Default: 30 days, clipped to the issuer's own notAfter. */
  validityMs?: number
  /** Turns a fresh leaf into what the caller keeps (e.g. a TLS SecureContext), once per host. */
  build: (leaf: IssuedCertificate, host: string) => T
  now?: () => Date
}

export interface LeafCacheStats {
  hits: number
  misses: number
  evictions: number
  size: number
}

/**
 * A bounded per-host cache of forged leaves: the first connection for a host
 * pays one signature (node:crypto) and `build`; later ones a Map lookup. Least
 * recently used hosts are evicted past `maxHosts`, so a flood of random SNIs
 * costs CPU, never unbounded memory.
 *
 * @example
 * const cache = new LeafCache({ issuer: pki.interceptionCa, build: (leaf) => leaf })
 * cache.get('bank.lab').der
 */
export class LeafCache<T> {
  readonly key: KeyPair
  private readonly entries = new Map<string, T>()
  private readonly maxHosts: number
  private hits = 0
  private misses = 0
  private evictions = 0
  private template: LeafTemplate | null = null

  constructor(private readonly params: LeafCacheParams<T>) {
    this.key = params.key ?? generateKeyPair(params.keySpec ?? { type: 'ec', curve: 'P-256' })
    this.maxHosts = Math.max(1, params.maxHosts ?? 1000)
  }

  /** The cached value for `host` (case-insensitive), forging it on first use. Throws CaError for an unusable name. */
  get(host: string): T {
    const name = host.toLowerCase()
    const cached = this.entries.get(name)
    if (cached !== undefined) {
      this.hits++
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(name)
      this.entries.set(name, cached)
      return cached
    }
    this.misses++
    const value = this.params.build(this.forge(name), name)
    this.entries.set(name, value)
    if (this.entries.size > this.maxHosts) {
      const oldest = this.entries.keys().next()
      if (oldest.done !== true) {
        this.entries.delete(oldest.value)
        this.evictions++
      }
    }
    return value
  }

  stats(): LeafCacheStats {
    return { hits: this.hits, misses: this.misses, evictions: this.evictions, size: this.entries.size }
  }

  private forge(host: string): IssuedCertificate {
    if (host.length === 0 || host.length > MAX_HOST_LENGTH || !/^[a-z0-9*._:-]+$/.test(host)) {
      throw new CaError(
        'CA_INVALID_PARAMS',
        `Cannot forge a certificate for ${JSON.stringify(host.slice(0, 80))}`,
      )
    }
    return this.templateFor(this.params.now?.() ?? new Date()).issue(host)
  }

  /** The current leaf template, made anew when it is older than its lifetime (validity then moves on). */
  private templateFor(now: Date): LeafTemplate {
    const current = this.template
    if (
      current !== null &&
      now.getTime() - current.madeAt.getTime() < TEMPLATE_LIFETIME_MS &&
      now >= current.madeAt
    )
      return current
    const notBefore = new Date(now.getTime() - HOUR_MS)
    const wanted = notBefore.getTime() + (this.params.validityMs ?? 30 * 24 * HOUR_MS)
    const notAfter = new Date(Math.min(wanted, this.params.issuer.notAfter.getTime()))
    this.template = new LeafTemplate({ issuer: this.params.issuer, key: this.key, notBefore, notAfter }, now)
    return this.template
  }
}
