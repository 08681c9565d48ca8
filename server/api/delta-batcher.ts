import type { LabDelta, LabDeltaType } from './contract.js'

/**
 * Leading-edge batching: a delta that arrives after a quiet spell is sent at
 * once (the runner may start seconds of synchronous certificate work right
 * after publishing it, which would hold back any timer); deltas that follow
 * within the same event-loop turn are collected and sent together at its end
 * (setImmediate), so a synchronous burst of 10,000 costs a handful of frames.
 */
export const QUIET_AFTER_MS = 5
/**
 * Low-rate deltas that end something go out at once with whatever is pending:
 * the runner publishes scenario:finished and then starts the next scenario's
 * synchronous key generation in the same turn, which would hold a batch back.
 */
const SEND_AT_ONCE: ReadonlySet<LabDeltaType> = new Set(['run:started', 'scenario:finished', 'run:finished'])
/** A batch is flushed early at this size so no single socket frame grows without bound. */
export const MAX_BATCH_SIZE = 1000

/** Collects deltas and hands them on in order, in batches. */
export class DeltaBatcher {
  private pending: LabDelta[] = []
  private timer: NodeJS.Immediate | null = null
  private lastSentAt = 0

  constructor(
    private readonly send: (batch: LabDelta[]) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  push(delta: LabDelta): void {
    this.pending.push(delta)
    if (SEND_AT_ONCE.has(delta.type)) {
      this.flush()
      return
    }
    if (this.timer === null && this.clock() - this.lastSentAt >= QUIET_AFTER_MS) {
      this.flush()
      // Anything else published in this turn waits for its end, then goes as one batch.
      this.timer = setImmediate(() => this.flush())
      return
    }
    if (this.pending.length >= MAX_BATCH_SIZE) this.flush()
    else this.timer ??= setImmediate(() => this.flush())
  }

  flush(): void {
    if (this.timer !== null) clearImmediate(this.timer)
    this.timer = null
    if (this.pending.length === 0) return
    const batch = this.pending
    this.pending = []
    this.lastSentAt = this.clock()
    this.send(batch)
  }

  close(): void {
    this.flush()
  }
}
