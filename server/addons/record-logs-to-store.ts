import type { Addon } from '../bus/lab-bus.js'
import type { LabStore } from '../store/lab-store.js'

/** Persists every log line (hostile peers, errors, progress) as an event row. */
export function recordLogsToStore(store: LabStore): Addon {
  return {
    'lab:log': (log) => {
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
