import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { recordLogsToStore } from '../../../server/addons/record-logs-to-store.js'
import { LabBus } from '../../../server/bus/lab-bus.js'
import type { LabEventName } from '../../../server/bus/events.js'
import { LabStore } from '../../../server/store/lab-store.js'
import { runMitmlab } from '../../support/cli-process.js'

function storeInTempDir(): LabStore {
  return new LabStore(join(mkdtempSync(join(tmpdir(), 'mitmlab-late-')), 'mitmlab.sqlite'))
}

/** A bus that collects addon failures instead of printing them. */
function collectingBus(): { bus: LabBus; failures: { event: LabEventName; message: string }[] } {
  const failures: { event: LabEventName; message: string }[] = []
  return {
    bus: new LabBus((event, error) => failures.push({ event, message: (error as Error).message })),
    failures,
  }
}

const line = (message: string) =>
  ({
    runId: null,
    scenarioId: null,
    level: 'info',
    source: 'test',
    type: 'genuine-tls-error',
    message,
  }) as const

// Issue 17 item 11: late incidents (a genuine server's tlsClientError after teardown) hit a closed store.
describe('log lines that arrive after the store closed', () => {
  it('keeps what arrived while the store was open and drops a late line without failing the addon', () => {
    const store = storeInTempDir()
    const { bus, failures } = collectingBus()
    bus.use(recordLogsToStore(store))
    bus.emit('lab:log', line('before close'))
    const kept = store.db.prepare('SELECT message FROM events').all()
    store.close()
    bus.emit('lab:log', line('after close'))
    expect(kept).toEqual([{ message: 'before close' }])
    expect(failures).toEqual([])
  })

  it('`mitmlab run -s wrong-host` ends without an addon failure or a stack trace, exit 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-late-cli-'))
    const run = await runMitmlab(['run', '--quiet', '--scenario', 'wrong-host', '--data-dir', dataDir])
    expect(run.stderr).not.toContain('an addon failed')
    expect(run.stderr).not.toMatch(/^\s+at /m)
    expect(run.code).toBe(0)
    // The run's dashboard view was built as it finished (server/addons/record-run-views.ts).
    const store = new LabStore(join(dataDir, 'mitmlab.sqlite'), { readonly: true })
    try {
      expect((store.db.prepare('SELECT COUNT(*) AS n FROM run_views').get() as { n: number }).n).toBe(1)
    } finally {
      store.close()
    }
  })
})
