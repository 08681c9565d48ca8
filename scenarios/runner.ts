import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { LabPki } from '../ca/index.js'
import type { ClientDriver, DriverTarget } from '../server/drivers/client-driver.js'
import type { ConnectionRecord } from '../server/proxy/connection-record.js'
import type { LabBus } from '../server/bus/lab-bus.js'
import { runInstrumentedClient } from '../server/client/instrumented-client.js'
import type { ClientReport } from '../server/client/client-report.js'
import { LabError } from '../server/errors.js'
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
}

export interface RunOutcome {
  run: RunRow
  results: ScenarioResult[]
}

/**
 * Runs scenarios one after another, committing each result in its own
 * transaction as soon as it is known, so a killed run loses nothing that
 * finished.
 *
 * @example
 * const { run, results } = await runScenarios(env, { scenarios, trigger: 'cli' })
 */
export async function runScenarios(env: LabEnvironment, params: RunScenariosParams): Promise<RunOutcome> {
  const runId = newRunId()
  const options = params.options ?? {}
  env.store?.createRun({ id: runId, trigger: params.trigger, options, scenarioCount: params.scenarios.length })
  env.bus.emit('run:started', { run: runRow(env, runId, 'running', params), scenarioIds: params.scenarios.map((s) => s.id) })
  const results: ScenarioResult[] = []
  let isCancelled = false
  for (const [ordinal, scenario] of params.scenarios.entries()) {
    if (params.signal?.aborted === true) {
      isCancelled = true
      break
    }
    for (const result of await runScenarioWithClients(env, scenario, { runId, ordinal })) {
      env.store?.insertScenarioResult(result)
      results.push(result)
      env.bus.emit('scenario:finished', { result })
    }
  }
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
      const driverStartedAt = new Date()
      env.bus.emit('scenario:started', { runId: position.runId, scenarioId: scenario.id, clientId: driver.id, ordinal: position.ordinal })
      const outcome = await observeClient(servers, driver.id, setupError, () =>
        withTimeout(driver.run(driverTarget(context, servers, scenario)), timeoutMs + (driver.startupBudgetMs ?? 0), `${driver.id} did not finish ${scenario.id}`),
      )
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
  const connectTo = servers.proxy?.connectTo ?? servers.genuine
  if (connectTo === null || servers.tunnel === null || servers.caDir === null) {
    throw new LabError('INTERNAL', 'The scenario was not staged for real clients')
  }
  // The same first visit the lab's victim makes (sslstrip, HSTS): where it starts, what HSTS it already holds, how often.
  const policy = victimPolicy(context, scenario)
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
