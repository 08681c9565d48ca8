import type { LabDelta } from './contract.js'

/**
 * How long the first delta of a burst waits for company before the batch is
 * sent. 20 ms keeps a lone step result well inside the 200 ms render budget
 * while a burst of 10,000 costs ~one frame per window instead of 10,000.
 */
export const BATCH_WINDOW_MS = 20
/** A batch is flushed early at this size so no single socket frame grows without bound. */
export const MAX_BATCH_SIZE = 1000

/** Collects deltas and hands them on in order, in batches. */
export class DeltaBatcher {
  private pending: LabDelta[] = []
  private timer: NodeJS.Timeout | null = null

  constructor(private readonly send: (batch: LabDelta[]) => void) {}

  push(delta: LabDelta): void {
    this.pending.push(delta)
    if (this.pending.length >= MAX_BATCH_SIZE) this.flush()
    else this.timer ??= setTimeout(() => this.flush(), BATCH_WINDOW_MS)
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    if (this.pending.length === 0) return
    const batch = this.pending
    this.pending = []
    this.send(batch)
  }

  close(): void {
    this.flush()
  }
}
