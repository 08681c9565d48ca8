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

/** Turns an ack into a value or a thrown Error (for reads, where a failure is a bug or a lost server). */
export function unwrap<T>(ack: Ack<T>): T {
  if (ack.ok) return ack.value
  throw new Error(`${ack.code}: ${ack.message}`)
}
