import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import type { LabPki } from '../ca/index.js'
import type { ClientDriver, DriverTarget } from '../server/drivers/client-driver.js'
import type { ConnectionRecord } from '../server/proxy/connection-record.js'
import type { LabBus } from '../server/bus/lab-bus.js'
import { runInstrumentedClient } from '../server/client/instrumented-client.js'
import type { ClientReport } from '../server/client/client-report.js'
import { ConfigError, LabError } from '../server/errors.js'
import { runBounded } from '../server/util/bounded-pool.js'
import { KeyedSemaphore } from '../server/util/keyed-semaphore.js'
import { VICTIM_CREDENTIALS } from '../server/genuine/bank-site.js'
import type { GenuineRequest, ScenarioResult } from '../server/lab/scenario-result.js'
import type { LabStore, RunRow } from '../server/store/lab-store.js'
import { TARGET_HOST, type Scenario, type ScenarioContext } from './define-scenario.js'
import { judgeDriverResult, judgeResult } from './judge-result.js'
import { serverFingerprintStep, withStep } from './server-fingerprint-step.js'
import { stageScenario, victimPolicy, type StagedServers } from './stage-scenario.js'

export interface LabEnvironment {
  pki: LabPki
  bus: LabBus
  /** Null: results are returned but not persisted. */
  store: LabStore | null
  /** The verification clock. Default: the wall clock. */
  now?: () => Date
  /** Per scenario. Default: 20 s. */
  scenarioTimeoutMs?: number
  /**
   * Real clients to point at every scenario besides the lab's own verifier
   * (curl, openssl, browsers, `--client CMD`). Only available ones: the caller
   * checks availability and reports the rest as skipped.
   */
  drivers?: readonly ClientDriver[]
}

export interface RunScenariosParams {
  scenarios: readonly Scenario[]
  trigger: string
  options?: Record<string, unknown>
  signal?: AbortSignal
  /** Scenarios in flight at once (each stages its own servers on port 0). Default: {@link defaultJobs}. */
  jobs?: number
}

/** One scenario per core: a scenario is mostly waiting on sockets and child processes, but its verifier and TLS are CPU. */
export function defaultJobs(): number {
  return availableParallelism()
}

export interface RunOutcome {
  run: RunRow
  results: ScenarioResult[]
}

/**
 * Runs scenarios `jobs` at a time (issue 19), committing each scenario's
 * results in one transaction per result as soon as they are known, so a
 * killed run loses nothing that finished. Scenarios share nothing mutable:
 * each stages its own genuine server, proxy, CONNECT tunnel and trust-anchor
 * directory on port 0, and clients get their own temporary HOME/HSTS files.
 *
 * Order: results are committed (and `scenario:finished` emitted) in the order
 * scenarios finish, but every result carries its catalog ordinal, the store
 * reads back `ORDER BY ordinal`, and the returned `results` are in catalog
 * order, whatever `jobs` is.
 *
 * @example
 * const { run, results } = await runScenarios(env, { scenarios, trigger: 'cli', jobs: 4 })
 */
export async function runScenarios(env: LabEnvironment, params: RunScenariosParams): Promise<RunOutcome> {
  const jobs = params.jobs ?? defaultJobs()
  if (!Number.isInteger(jobs) || jobs < 1) throw new ConfigError('CONFIG_INVALID', `jobs must be a positive integer, not ${String(jobs)}`)
  const runId = newRunId()
  const options = params.options ?? {}
  env.store?.createRun({ id: runId, trigger: params.trigger, options, scenarioCount: params.scenarios.length })
  env.bus.emit('run:started', { run: runRow(env, runId, 'running', params), scenarioIds: params.scenarios.map((s) => s.id) })
  const byOrdinal: (ScenarioResult[] | undefined)[] = []
  // One instance of each client at a time unless it says otherwise: two browsers launched at once on two cores
  // both miss their timeout, while a browser in one scenario and curl in another overlap well.
  const drivers = env.drivers ?? []
  const driverSlots = new KeyedSemaphore((id) => drivers.find((driver) => driver.id === id)?.maxConcurrent ?? 1)
  const started = await runBounded(
    params.scenarios,
    jobs,
    async (scenario, ordinal) => {
      const batch = await runScenarioWithClients(env, scenario, { runId, ordinal }, driverSlots)
      for (const result of batch) {
        env.store?.insertScenarioResult(result)
        env.bus.emit('scenario:finished', { result })
      }
      byOrdinal[ordinal] = batch
    },
    { signal: params.signal },
  )
  const results = byOrdinal.flatMap((batch) => batch ?? [])
  const isCancelled = started < params.scenarios.length
  const status = isCancelled ? 'cancelled' : results.every((r) => r.asExpected) ? 'passed' : 'failed'
  env.store?.finishRun(runId, status)
  const run = env.store?.getRun(runId) ?? runRow(env, runId, status, params, results)
  env.bus.emit('run:finished', { run })
  return { run, results }
}

/** Stands up the genuine server, the proxy the scenario needs and the lab's victim; tears them down; judges. */
export async function runScenario(
  env: LabEnvironment,
  scenario: Scenario,
  position: { runId: string; ordinal: number },
): Promise<ScenarioResult> {
  const [result] = await runScenarioWithClients({ ...env, drivers: [] }, scenario, position)
  if (result === undefined) throw new LabError('INTERNAL', `Scenario ${scenario.id} produced no result`)
  return result
}

/**
 * One scenario, every client: the lab's instrumented victim first, then each
 * real client driver against the same servers. Each client's connections and
 * the requests that reached the genuine server are judged separately.
 */
export async function runScenarioWithClients(
  env: LabEnvironment,
  scenario: Scenario,
  position: { runId: string; ordinal: number },
  driverSlots: KeyedSemaphore = new KeyedSemaphore(() => 1),
): Promise<ScenarioResult[]> {
  const startedAt = new Date()
  const now = env.now?.() ?? startedAt
  const context: ScenarioContext = { pki: env.pki, host: scenario.host ?? TARGET_HOST, now }
  let servers: StagedServers = { genuine: null, proxy: null, tunnel: null, caDir: null }
  const log = (level: 'info' | 'warn' | 'error', type: string, message: string, data?: unknown): void =>
    env.bus.emit('lab:log', { runId: position.runId, scenarioId: scenario.id, level, source: 'runner', type, message, data })
  const timeoutMs = env.scenarioTimeoutMs ?? 20_000
  const results: ScenarioResult[] = []
  try {
    let setupError: string | null = null
    try {
      await withTimeout(stageScenario(env, scenario, context, servers, position, log), timeoutMs, `Scenario ${scenario.id} did not start`)
    } catch (cause) {
      setupError = describeError(cause)
      log('error', 'scenario-error', `Scenario ${scenario.id} could not be staged: ${(cause as Error).message}`)
    }
    const victim = await observeClient(servers, 'lab-verifier', setupError, () =>
      withTimeout(playVictim(env, scenario, context, servers, position), timeoutMs, `Scenario ${scenario.id} did not finish`),
    )
    if (victim.value !== null) {
      const fp = serverFingerprintStep(victim.observed.genuineRequests, 'lab-verifier')
      victim.value.steps = withStep(victim.value.steps, fp)
      env.bus.emit('step:result', { runId: position.runId, scenarioId: scenario.id, clientId: 'lab-verifier', ordinal: position.ordinal, step: fp })
    }
    results.push(judgeResult({ scenario, position, client: victim.value, error: victim.error, ...victim.observed, startedAt, durationMs: Date.now() - startedAt.getTime() }))
    // A first-visit scenario's middlebox counts the victim's visits (sslstrip lets the first one through when the
    // victim visited safely before): each client gets the path fresh, as if it were the only victim.
    const startsOverHttp = victimPolicy(context, scenario).startUrl?.startsWith('http:') === true
    // Likewise a probabilistic attacker counts connections: each client starts from the same count.
    const victimConnections = victimPolicy(context, scenario).connections ?? 1
    // Pins and CT enforcement are the victim's configuration; the drivers run each client with its defaults.
    const policy = victimPolicy(context, scenario)
    const victimConfiguration = [
      ...((policy.pins ?? []).length > 0 ? ['SPKI pins for the bank'] : []),
      ...(policy.ct === undefined ? [] : ['Certificate Transparency enforcement']),
    ]
    for (const driver of env.drivers ?? []) {
      if ((startsOverHttp || victimConnections > 1) && setupError === null) {
        await tearDown(servers)
        servers = { genuine: null, proxy: null, tunnel: null, caDir: null }
        try {
          await withTimeout(stageScenario(env, scenario, context, servers, position, log), timeoutMs, `Scenario ${scenario.id} did not start`)
        } catch (cause) {
          setupError = describeError(cause)
          log('error', 'scenario-error', `Scenario ${scenario.id} could not be staged for ${driver.id}: ${(cause as Error).message}`)
        }
      }
      // Waiting for the client's slot (another scenario is running it) is not part of its timeout or its duration.
      const release = await driverSlots.acquire(driver.id)
      const driverStartedAt = new Date()
      env.bus.emit('scenario:started', { runId: position.runId, scenarioId: scenario.id, clientId: driver.id, ordinal: position.ordinal })
      const outcome = await observeClient(servers, driver.id, setupError, () =>
        withTimeout(driver.run(driverTarget(context, servers, scenario)), timeoutMs + (driver.startupBudgetMs ?? 0), `${driver.id} did not finish ${scenario.id}`),
      ).finally(release)
      const driverResult = judgeDriverResult({
        scenario,
        position,
        clientId: driver.id,
        outcome: outcome.value,
        error: outcome.error,
        startsOverHttp,
        victimConnections,
        victimConfiguration,
        ...outcome.observed,
        startedAt: driverStartedAt,
        durationMs: Date.now() - driverStartedAt.getTime(),
      })
      driverResult.steps = withStep(driverResult.steps, serverFingerprintStep(outcome.observed.genuineRequests, driver.id))
      results.push(driverResult)
    }
  } finally {
    await tearDown(servers)
  }
  return results
}

async function tearDown(servers: StagedServers): Promise<void> {
  await Promise.all([servers.proxy?.close(), servers.genuine?.close(), servers.tunnel?.close()])
  if (servers.caDir !== null) rmSync(servers.caDir, { recursive: true, force: true })
}

/** Runs one client and slices out what the proxy and the genuine server saw of it alone. */
async function observeClient<T>(
  servers: StagedServers,
  clientId: string,
  setupError: string | null,
  play: () => Promise<T>,
): Promise<{ value: T | null; error: string | null; observed: { connections: ConnectionRecord[]; genuineRequests: GenuineRequest[] } }> {
  const recordsBefore = servers.proxy?.records().length ?? 0
  const requestsBefore = servers.genuine?.requests.length ?? 0
  let value: T | null = null
  let error = setupError
  if (setupError === null) {
    try {
      value = await play()
    } catch (cause) {
      error = `${clientId}: ${describeError(cause)}`
    }
  }
  // Records are complete when the client's connections have closed; on a loaded machine that can take seconds.
  await servers.proxy?.whenIdle(5_000)
  return {
    value,
    error,
    observed: {
      connections: servers.proxy?.records().slice(recordsBefore) ?? [],
      genuineRequests: servers.genuine?.requests.slice(requestsBefore) ?? [],
    },
  }
}

function describeError(cause: unknown): string {
  return cause instanceof LabError ? `${cause.code}: ${cause.message}` : ((cause as Error).stack ?? String(cause))
}

function driverTarget(context: ScenarioContext, servers: StagedServers, scenario: Scenario): DriverTarget {
  // The same first visit the lab's victim makes (sslstrip, HSTS): where it starts, what HSTS it already holds, how often.
  const policy = victimPolicy(context, scenario)
  // A victim configured with an explicit proxy reaches bank.lab only through it: the entry is both
  // the address and the proxy (explicit-proxy-entry.ts), never the proxy's port as if it were bank.lab.
  const connectTo = policy.explicitProxy === true ? servers.tunnel : (servers.proxy?.connectTo ?? servers.genuine)
  if (connectTo === null || servers.tunnel === null || servers.caDir === null) {
    throw new LabError('INTERNAL', 'The scenario was not staged for real clients')
  }
  return {
    ...(policy.startUrl === undefined ? {} : { startUrl: policy.startUrl }),
    ...(policy.hsts === undefined ? {} : { hsts: { preloaded: [...policy.hsts.preloaded] } }),
    ...(policy.visits === undefined ? {} : { visits: policy.visits }),
    host: context.host,
    connectTo: { host: connectTo.host, port: connectTo.port },
    tunnel: { host: servers.tunnel.host, port: servers.tunnel.port },
    caFile: join(servers.caDir, 'victim-roots.pem'),
    credentials: VICTIM_CREDENTIALS,
    timeoutMs: 15_000,
  }
}

/** The lab's own victim: the instrumented client with the step-by-step verifier. */
async function playVictim(
  env: LabEnvironment,
  scenario: Scenario,
  context: ScenarioContext,
  servers: StagedServers,
  position: { runId: string; ordinal: number },
): Promise<ClientReport> {
  const connectTo = servers.proxy?.connectTo ?? servers.genuine
  if (connectTo === null) throw new LabError('INTERNAL', `Scenario ${scenario.id} has no server to connect to`)
  env.bus.emit('scenario:started', { runId: position.runId, scenarioId: scenario.id, clientId: 'lab-verifier', ordinal: position.ordinal })
  return runInstrumentedClient({
    connectTo: { host: connectTo.host, port: connectTo.port },
    expectedHost: context.host,
    policy: victimPolicy(context, scenario),
    now: context.now,
    credentials: VICTIM_CREDENTIALS,
    onStep: (step) =>
      env.bus.emit('step:result', { runId: position.runId, scenarioId: scenario.id, clientId: 'lab-verifier', ordinal: position.ordinal, step }),
  })
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new LabError('SCENARIO_FAILED', `${message} within ${timeoutMs} ms`)), timeoutMs)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Sortable by time, unique across processes: `20261124T093012Z-3f9a1c`. */
export function newRunId(date: Date = new Date()): string {
  return `${date.toISOString().replace(/[-:]|\.\d{3}/g, '')}-${randomBytes(3).toString('hex')}`
}

function runRow(
  env: LabEnvironment,
  id: string,
  status: RunRow['status'],
  params: RunScenariosParams,
  results: ScenarioResult[] = [],
): RunRow {
  return (
    env.store?.getRun(id) ?? {
      id,
      startedAt: new Date().toISOString(),
      finishedAt: status === 'running' ? null : new Date().toISOString(),
      status,
      trigger: params.trigger,
      options: params.options ?? {},
      scenarioCount: params.scenarios.length,
      resultCount: results.length,
      caughtCount: results.filter((r) => r.kind === 'attack' && r.verdict === 'reject').length,
      leakedCount: results.filter((r) => r.leaked).length,
      unexpectedCount: results.filter((r) => !r.asExpected).length,
    }
  )
}
