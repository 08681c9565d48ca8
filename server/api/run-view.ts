import { constants as zlibConstants, gzipSync } from 'node:zlib'
import type { LabStore, RunRow } from '../store/lab-store.js'
import type { LiveStepDto } from './contract.js'
import { toResultDto, toRunDto } from './dto.js'
import { withShapes } from './run-shapes.js'
import { clientIdsOf, clientVersionsOf, summarizeClients } from '../report/client-summary.js'

/**
 * Bump when the shape of RunDetailDto (dto.ts) changes: views stored with an
 * older version are rebuilt on their first read.
 */
export const RUN_VIEW_VERSION = 2

/** A run as GET /api/runs/:id answers it: RunDetailDto as UTF-8 JSON. */
export function serializeRunDetail(store: LabStore, row: RunRow, liveSteps: LiveStepDto[]): Buffer {
  const results = store.getResults(row.id)
  return Buffer.from(
    JSON.stringify({
      run: withShapes(store, [row])[0] ?? toRunDto(row),
      results: results.map(toResultDto),
      liveSteps,
      // Per-client summaries and grades (issue 18), part of the view so a finished run keeps them.
      clients: summarizeClients(results, clientVersionsOf(row.options), clientIdsOf(row.options)),
    }),
  )
}

/**
 * A finished run's view, gzipped: read from the store, or built and kept
 * there (best effort: a read-only store keeps nothing). A finished run never
 * changes, so this is built once per run (issue 17 item 10: rebuilding ~3 MB
 * per GET took 100-300 ms). The fastest gzip level: JSON this repetitive
 * still shrinks ~10x.
 */
export function finishedRunView(store: LabStore, row: RunRow): Buffer {
  const stored = store.getRunView(row.id, RUN_VIEW_VERSION)
  if (stored !== null) return stored
  const gzipped = gzipSync(serializeRunDetail(store, row, []), { level: zlibConstants.Z_BEST_SPEED })
  store.putRunView(row.id, RUN_VIEW_VERSION, gzipped)
  return gzipped
}
