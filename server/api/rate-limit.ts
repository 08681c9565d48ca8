/**
 * Per-client token buckets (issue 17 item 14: nothing bounded how fast a
 * client could call the API or emit socket events). Each client address
 * holds up to `burst` tokens, refilled at `perSecond`; a call takes one. A
 * page's normal traffic — a snapshot on connect, a run on each click, the
 * training questions — stays far below the defaults; a loop does not.
 */
export interface RateLimit {
  /** Calls allowed at once, after a quiet spell. */
  burst: number
  /** Sustained calls per second. */
  perSecond: number
}

export const DEFAULT_API_RATE_LIMIT: RateLimit = { burst: 120, perSecond: 40 }
export const DEFAULT_SOCKET_RATE_LIMIT: RateLimit = { burst: 120, perSecond: 40 }

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number }

/** Beyond this many tracked clients, full (idle) buckets are forgotten: memory stays bounded. */
const SWEEP_ABOVE = 10_000

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(
    readonly limit: RateLimit,
    /** Milliseconds, monotonic. */
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Takes one token for `client`, or says how many whole seconds until one is there (for Retry-After, RFC 9110 §10.2.3). */
  take(client: string): TakeResult {
    const now = this.clock()
    const bucket = this.buckets.get(client) ?? { tokens: this.limit.burst, at: now }
    bucket.tokens = Math.min(
      this.limit.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond,
    )
    bucket.at = now
    if (!this.buckets.has(client)) {
      if (this.buckets.size >= SWEEP_ABOVE) this.sweep(now)
      this.buckets.set(client, bucket)
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return { ok: true }
    }
    return {
      ok: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond)),
    }
  }

  get trackedClients(): number {
    return this.buckets.size
  }

  private sweep(now: number): void {
    for (const [client, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond >= this.limit.burst)
        this.buckets.delete(client)
    }
  }
}
