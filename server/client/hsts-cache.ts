/** Where a host's HSTS policy came from. */
export type HstsSource = 'preloaded' | 'learned'

interface HstsEntry {
  source: HstsSource
  includeSubDomains: boolean
  /** ms since epoch; Infinity for preloaded entries. */
  expiresAt: number
}

/**
 * The client's HSTS state (RFC 6797): a preload list shipped with the client,
 * plus policies noted from Strict-Transport-Security headers received over a
 * verified HTTPS connection (§8.1; a header over plain HTTP is ignored).
 */
export class HstsCache {
  private readonly entries = new Map<string, HstsEntry>()

  constructor(preloaded: readonly string[] = []) {
    // Preload lists (Chromium's) carry include_subdomains for nearly every entry.
    for (const host of preloaded) this.entries.set(host.toLowerCase(), { source: 'preloaded', includeSubDomains: true, expiresAt: Number.POSITIVE_INFINITY })
  }

  /** §8.2: the host is a Known HSTS Host, congruently or as a subdomain of an includeSubDomains entry. */
  policyFor(host: string, now: Date): { source: HstsSource; matched: string } | null {
    const name = host.toLowerCase()
    const labels = name.split('.')
    for (let i = 0; i < labels.length; i++) {
      const candidate = labels.slice(i).join('.')
      const entry = this.entries.get(candidate)
      if (entry === undefined || entry.expiresAt <= now.getTime()) continue
      if (i === 0 || entry.includeSubDomains) return { source: entry.source, matched: candidate }
    }
    return null
  }

  /** §8.1: note the header of a response received over secure transport with no errors. */
  note(host: string, header: string | undefined, now: Date): void {
    if (header === undefined) return
    const directives = new Map(
      header.split(';').map((part) => {
        const [name = '', value = ''] = part.split('=').map((s) => s.trim())
        return [name.toLowerCase(), value.replace(/^"|"$/g, '')] as const
      }),
    )
    const maxAge = Number(directives.get('max-age'))
    if (!Number.isFinite(maxAge) || maxAge < 0) return
    const name = host.toLowerCase()
    const existing = this.entries.get(name)
    if (existing?.source === 'preloaded') return
    // §6.1.1: max-age=0 tells the client to forget the host.
    if (maxAge === 0) this.entries.delete(name)
    else this.entries.set(name, { source: 'learned', includeSubDomains: directives.has('includesubdomains'), expiresAt: now.getTime() + maxAge * 1000 })
  }

  hosts(): string[] {
    return [...this.entries.keys()]
  }
}
