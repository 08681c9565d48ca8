import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { LabPki } from '../../ca/index.js'
import { scenarios } from '../../scenarios/index.js'
import type { LabEnvironment } from '../../scenarios/runner.js'
import { broadcastToDashboard } from '../addons/broadcast-to-dashboard.js'
import type { LabBus } from '../bus/lab-bus.js'
import { DEFAULT_BIND_HOST } from '../config.js'
import { LabError } from '../errors.js'
import type { LabStore } from '../store/lab-store.js'
import { createAccessPolicy, originsFor } from './access-policy.js'
import type { CertSummary, LabDelta, LabInfoDto } from './contract.js'
import { DeltaBatcher } from './delta-batcher.js'
import { toCertDto, toScenarioDto } from './dto.js'
import { createHttpApp } from './http-app.js'
import { createLabQueries } from './lab-queries.js'
import { LiveRunTracker } from './live-run-tracker.js'
import { projectPath } from '../util/project-paths.js'
import type { RateLimit } from './rate-limit.js'
import { RunController } from './run-controller.js'
import { createSocketServer, type LabSocketServer } from './socket-server.js'
import { createTrainingRouter } from './training-routes.js'
import { createProxyGradeRouter } from '../grade-proxy/proxy-grade-routes.js'
import { createVisitorRouter } from '../open/visitor-routes.js'
import { watchStore } from './store-watcher.js'
import { createDownloadRouter } from './download-routes.js'

/** Where `vite build` writes the dashboard (dashboard/vite.config.ts). */
export const DASHBOARD_DIST_DIR = projectPath('dashboard', 'dist')

export interface StartDashboardServerParams {
  store: LabStore
  bus: LabBus
  pki: LabPki
  /** Default: 127.0.0.1 (config.DEFAULT_BIND_HOST). Anything not loopback needs `token`. */
  host?: string
  /** Default: 0 (any free port; read it back from the result). */
  port?: number
  /** Required when `host` is not loopback; at least 16 characters. */
  token?: string
  /** Default: true. False serves past runs only (no run:start / run:cancel). */
  canRun?: boolean
  /** Passed to the runner: the verification clock and per-scenario timeout. */
  runnerOptions?: Pick<LabEnvironment, 'now' | 'scenarioTimeoutMs'>
  /** Default: dashboard/dist. */
  dashboardDir?: string
  /** How often runs written by other processes are picked up from the store. Default: 1000 ms. */
  storePollIntervalMs?: number
  /** Per-client budgets for REST calls and socket events. Defaults in rate-limit.ts. */
  rateLimits?: { api?: RateLimit; socket?: RateLimit }
}

export interface DashboardServer {
  /** http://127.0.0.1:PORT/ (with `?token=` when a token is set). */
  url: string
  host: string
  port: number
  io: LabSocketServer
  runs: RunController | null
  /** Stops accepting connections, flushes pending deltas, waits for a run in flight. The store stays open. */
  close(): Promise<void>
}

/**
 * Serves the dashboard, the REST API and socket.io on one port, and pushes
 * every bus event to connected pages in batches.
 *
 * @example
 * const server = await startDashboardServer({ store, bus, pki })
 * console.log(`dashboard: ${server.url}`)
 */
export async function startDashboardServer(params: StartDashboardServerParams): Promise<DashboardServer> {
  const host = params.host ?? DEFAULT_BIND_HOST
  const policy = createAccessPolicy(host, params.token)
  const canRun = params.canRun ?? true
  const lab: LabInfoDto = {
    catalog: scenarios.map(toScenarioDto),
    genuineChain: [params.pki.genuineLeaf.der, params.pki.trustedIntermediate.der]
      .map(toCertDto)
      .filter((cert): cert is CertSummary => cert !== null),
    canRun,
  }
  const tracker = new LiveRunTracker()
  const queries = createLabQueries(params.store, lab, tracker)
  const runs = canRun ? new RunController({ pki: params.pki, bus: params.bus, store: params.store, ...params.runnerOptions }) : null
  const training = createTrainingRouter({
    store: params.store,
    pki: params.pki,
    runs,
    ...(params.runnerOptions === undefined ? {} : { runnerOptions: params.runnerOptions }),
  })
  const app = createHttpApp({
    queries,
    policy,
    dashboardDir: params.dashboardDir ?? DASHBOARD_DIST_DIR,
    routers: [
      training,
      createProxyGradeRouter({ store: params.store }),
      createVisitorRouter(params.store),
      createDownloadRouter({ store: params.store, pki: params.pki }),
    ],
    ...(params.rateLimits?.api === undefined ? {} : { rateLimit: params.rateLimits.api }),
  })
  const httpServer = createServer(app)
  const io = createSocketServer({
    httpServer,
    policy,
    queries,
    runs,
    ...(params.rateLimits?.socket === undefined ? {} : { rateLimit: params.rateLimits.socket }),
  })
  const batcher = new DeltaBatcher((batch) => io.emit('lab:deltas', batch))
  const ownRunIds = new Set<string>()
  const publish = (delta: LabDelta): void => {
    tracker.apply(delta)
    batcher.push(delta)
    // A run that just finished will be opened next: build and keep its result views now, off this call stack.
    if (delta.type === 'run:finished') setImmediate(() => warmRunViews(delta.run.id))
  }
  const warmRunViews = (runId: string): void => {
    try {
      queries.runBody(runId)
    } catch {
      // Only a cache: the first GET builds it again, and reports a failure to its caller.
    }
  }
  const unsubscribe = params.bus.use(
    broadcastToDashboard((delta) => {
      if (delta.type === 'run:started') ownRunIds.add(delta.run.id)
      publish(delta)
    }),
  )
  const stopWatching = watchStore({
    store: params.store,
    isOwnRun: (runId) => ownRunIds.has(runId),
    publish,
    ...(params.storePollIntervalMs === undefined ? {} : { intervalMs: params.storePollIntervalMs }),
  })
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', (cause) =>
      reject(new LabError('SERVER_START_FAILED', `The dashboard cannot listen on ${host}:${params.port ?? 0}: ${cause.message}`, { cause })),
    )
    httpServer.listen(params.port ?? 0, host, () => resolve())
  })
  const { port } = httpServer.address() as AddressInfo
  for (const origin of originsFor(host, port)) policy.allowedOrigins.add(origin)
  const urlHost = host.includes(':') ? `[${host}]` : host
  const base = `http://${urlHost === '0.0.0.0' || urlHost === '[::]' ? '127.0.0.1' : urlHost}:${port}/`
  return {
    url: params.token === undefined ? base : `${base}?token=${encodeURIComponent(params.token)}`,
    host,
    port,
    io,
    runs,
    close: async () => {
      unsubscribe()
      stopWatching()
      batcher.close()
      await runs?.settle()
      await io.close()
      httpServer.closeAllConnections()
    },
  }
}
