import type { LabDelta } from '@contract'

/**
 * How often queued deltas touch reactive state: at most 10 times a second
 * (style guide §23), so a burst of 10,000 events costs ten renders, not
 * 10,000; a lone step result waits at most this long (well inside the 200 ms budget).
 */
export const FLUSH_INTERVAL_MS = 100

export interface DeltaQueue {
  push(batch: readonly LabDelta[]): void
  /** Applies everything queued now. */
  flush(): void
  clear(): void
}

export function createDeltaQueue(apply: (batch: LabDelta[]) => void, intervalMs: number = FLUSH_INTERVAL_MS): DeltaQueue {
  let pending: LabDelta[] = []
  let timer: ReturnType<typeof setTimeout> | null = null
  let lastFlush = 0
  const flush = (): void => {
    if (timer !== null) clearTimeout(timer)
    timer = null
    lastFlush = Date.now()
    if (pending.length === 0) return
    const batch = pending
    pending = []
    apply(batch)
  }
  return {
    push(batch) {
      for (const delta of batch) pending.push(delta)
      if (timer !== null) return
      // The first delta after a quiet period goes out on the next tick; later ones wait for the interval.
      const wait = Math.max(0, lastFlush + intervalMs - Date.now())
      timer = setTimeout(flush, wait)
    },
    flush,
    clear() {
      pending = []
    },
  }
}
