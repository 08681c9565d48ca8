import { finishedRunView } from '../api/run-view.js'
import type { Addon } from '../bus/lab-bus.js'
import type { LabStore } from '../store/lab-store.js'

/**
 * Builds a run's dashboard view (server/api/run-view.ts) when it finishes, in
 * the process that recorded it: the first time anyone opens that run in the
 * dashboard, it is read as stored instead of rebuilt from every result
 * (~0.1-0.3 s for a full run, issue 17 item 10).
 */
export function recordRunViews(store: LabStore): Addon {
  return {
    'run:finished': ({ run }) => {
      if (!store.isOpen || run.status === 'running') return
      const row = store.getRun(run.id)
      if (row !== null) finishedRunView(store, row)
    },
  }
}
