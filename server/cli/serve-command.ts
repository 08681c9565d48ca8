import type { Command } from 'commander'
import { loadOrCreateLabPki } from '../../ca/index.js'
import { recordLogsToStore } from '../addons/record-logs-to-store.js'
import { startDashboardServer } from '../api/dashboard-server.js'
import { ensureDashboardBuild } from '../api/ensure-dashboard-build.js'
import { LabBus } from '../bus/lab-bus.js'
import { DEFAULT_BIND_HOST, resolveDataDir, storeFile } from '../config.js'
import { ConfigError, isLabError } from '../errors.js'
import { LabStore } from '../store/lab-store.js'

interface ServeCommandOptions {
  port: string
  host: string
  dataDir?: string
  token?: string
}

/** The dashboard's default port: fixed so a bookmarked link keeps working. */
export const DEFAULT_DASHBOARD_PORT = 8377

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Serve the live dashboard: start and cancel runs from the page, replay past runs')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', String(DEFAULT_DASHBOARD_PORT))
    .option('--host <host>', 'address to bind; anything but loopback requires --token', DEFAULT_BIND_HOST)
    .option('--data-dir <dir>', 'PKI and SQLite location (default: $MITMLAB_DATA_DIR or ./data)')
    .option('--token <token>', 'access token (16+ characters) required by the page and the API; default $MITMLAB_TOKEN')
    .action(async (options: ServeCommandOptions) => {
      await serveCommand(options)
    })
}

/** A store this user cannot write is still served, read-only, as replays: past runs need read access only. */
function openStoreToServe(file: string): { store: LabStore; canRun: boolean } {
  try {
    return { store: new LabStore(file), canRun: true }
  } catch (error) {
    if (!(isLabError(error) && error.code === 'DATA_DIR_NOT_WRITABLE')) throw error
    process.stderr.write(`mitmlab: ${error.message}; serving past runs only (no new runs)\n`)
    return { store: new LabStore(file, { readonly: true }), canRun: false }
  }
}

/** Serves until SIGINT/SIGTERM, then closes the server and the store. */
export async function serveCommand(options: ServeCommandOptions): Promise<void> {
  const port = Number(options.port)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError('CONFIG_INVALID', `--port must be 0-65535, not ${options.port}`)
  const token = options.token ?? process.env['MITMLAB_TOKEN']
  const dataDir = resolveDataDir(options.dataDir)
  const pki = loadOrCreateLabPki(dataDir)
  // The store first: a damaged or unreadable one is refused before a minute-long first build.
  const { store, canRun } = openStoreToServe(storeFile(dataDir))
  const aborted = canRun ? store.markAbortedRuns() : []
  if (aborted.length > 0) process.stderr.write(`Marked ${aborted.length} interrupted run(s) as aborted: ${aborted.join(', ')}\n`)
  await ensureDashboardBuild((line) => process.stderr.write(`${line}\n`))
  const bus = new LabBus()
  if (canRun) bus.use(recordLogsToStore(store))
  const server = await startDashboardServer({ store, bus, pki, host: options.host, port, canRun, ...(token === undefined ? {} : { token }) })
  process.stdout.write(`mitmlab dashboard: ${server.url}\n(store: ${store.file}; Ctrl-C to stop)\n`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await server.close()
  store.close()
}
