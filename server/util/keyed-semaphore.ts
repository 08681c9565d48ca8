/**
 * At most `limit(key)` holders per key at once; the others wait in arrival
 * order. The runner keys it by client driver, so two scenarios in flight
 * never launch two browsers (or two JVMs) at once on a small machine, while
 * different clients of different scenarios still overlap.
 *
 * @example
 * const release = await slots.acquire('chromium')
 * try { await drive() } finally { release() }
 */
export class KeyedSemaphore {
  private readonly held = new Map<string, number>()
  private readonly waiting = new Map<string, (() => void)[]>()

  constructor(private readonly limit: (key: string) => number) {}

  async acquire(key: string): Promise<() => void> {
    if ((this.held.get(key) ?? 0) >= Math.max(1, this.limit(key))) {
      await new Promise<void>((resolve) => {
        this.waiting.set(key, [...(this.waiting.get(key) ?? []), resolve])
      })
    } else {
      this.held.set(key, (this.held.get(key) ?? 0) + 1)
    }
    let isReleased = false
    return () => {
      if (isReleased) return
      isReleased = true
      const [next, ...rest] = this.waiting.get(key) ?? []
      // Hand the slot straight to the next waiter: the count stays, so nobody can jump the queue.
      if (next !== undefined) {
        this.waiting.set(key, rest)
        next()
      } else {
        this.held.set(key, (this.held.get(key) ?? 1) - 1)
      }
    }
  }
}
