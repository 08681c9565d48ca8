import type { Ack, LabDelta, RunDetailDto, RunDto, RunStartInput, SnapshotDto } from '@contract'
import type { Ref } from 'vue'

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'unauthorized'

/**
 * What the page needs from a lab, live (socket.io) or replayed (REST over the
 * SQLite store): the same interface, so a past run renders exactly like a
 * live one (vitest ui's createStaticClient).
 */
export interface LabClient {
  readonly mode: 'live' | 'replay'
  readonly status: Readonly<Ref<ConnectionStatus>>
  snapshot(): Promise<SnapshotDto>
  listRuns(): Promise<RunDto[]>
  getRun(runId: string): Promise<RunDetailDto>
  startRun(input: RunStartInput): Promise<Ack<{ runId: string }>>
  cancelRun(runId: string): Promise<Ack<{ runId: string }>>
  /** Ordered delta batches. */
  onDeltas(listener: (batch: LabDelta[]) => void): () => void
  /** Called on every (re)connect: the moment to take a fresh snapshot. */
  onConnect(listener: () => void): () => void
  close(): void
}

/** A read the lab refused, with its code (NOT_FOUND for an unknown run id) and its sentence for the page. */
export class LabRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'LabRequestError'
  }
}

/** Turns an ack into a value or a thrown LabRequestError (for reads, where a failure is a bad id, a bug or a lost server). */
export function unwrap<T>(ack: Ack<T>): T {
  if (ack.ok) return ack.value
  throw new LabRequestError(ack.code, ack.message)
}
