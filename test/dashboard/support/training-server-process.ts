/**
 * A real dashboard server (REST, training routes, temp SQLite store, test PKI)
 * on 127.0.0.1:0 for happy-dom specs, which cannot host it in-process (vitest
 * rewrites `import.meta.url` there). Prints `PORT <n>`; exits when stdin closes.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDashboardServer } from '../../../server/api/dashboard-server.js'
import { LabBus } from '../../../server/bus/lab-bus.js'
import { storeFile } from '../../../server/config.js'
import { LabStore } from '../../../server/store/lab-store.js'
import { testPki } from '../../support/lab-pki.js'

const dir = mkdtempSync(join(tmpdir(), 'mitmlab-training-spec-'))
const store = new LabStore(storeFile(dir))
const server = await startDashboardServer({ store, bus: new LabBus(), pki: testPki(), port: 0, dashboardDir: dir })
process.stdout.write(`PORT ${server.port}\n`)
process.stdin.resume()
process.stdin.once('end', () => {
  void server.close().finally(() => {
    store.close()
    rmSync(dir, { recursive: true, force: true })
    process.exit(0)
  })
})
