import type { Addon } from '../bus/lab-bus.js'
import type { LabStore } from '../store/lab-store.js'

/**
 * Persists every log line (hostile peers, errors, progress) as an event row.
 * A line that arrives after the store closed is dropped without a word: a
 * scenario's servers report sockets they destroyed at teardown (the genuine
 * server's `tlsClientError` fires on the next tick, after `close()` resolved),
 * and the last scenario's teardown can outlive the run. Everything logged
 * while the store was open is kept.
 */
export function recordLogsToStore(store: LabStore): Addon {
  return {
    'lab:log': (log) => {
      if (!store.isOpen) return
      store.insertEvent({
        runId: log.runId,
        scenarioId: log.scenarioId,
        level: log.level,
        source: log.source,
        type: log.type,
        message: log.message,
        data: log.data,
      })
    },
  }
}
