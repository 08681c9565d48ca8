import { randomBytes } from 'node:crypto'
import { createSecureContext } from 'node:tls'
import { chainPem, formatName, type LabPki } from '../ca/index.js'
import type { LabBus } from '../server/bus/lab-bus.js'
import { runInstrumentedClient, type ClientPolicy } from '../server/client/instrumented-client.js'
import type { ClientReport } from '../server/client/client-report.js'
import { LabError } from '../server/errors.js'
import { VICTIM_CREDENTIALS } from '../server/genuine/bank-site.js'
import { startGenuineServer, type GenuineServer } from '../server/genuine/genuine-server.js'
import type { ScenarioResult } from '../server/lab/scenario-result.js'
import { startInterceptingProxy, type InterceptingProxy } from '../server/proxy/intercepting-proxy.js'
import type { LabStore, RunRow } from '../server/store/lab-store.js'
import { TARGET_HOST, type PathMiddlebox, type Scenario, type ScenarioContext } from './define-scenario.js'
import { judgeResult } from './judge-result.js'

export interface LabEnvironment {
  pki: LabPki
  bus: LabBus
  /** Null: results are returned but not persisted. */
  store: LabStore | null
  /** The verification clock. Default: the wall clock. */
  now?: () => Date
  /** Per scenario. Default: 20 s. */
  scenarioTimeoutMs?: number
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
    const result = await runScenario(env, scenario, { runId, ordinal })
    env.store?.insertScenarioResult(result)
    results.push(result)
    env.bus.emit('scenario:finished', { result })
  }
  const status = isCancelled ? 'cancelled' : results.every((r) => r.asExpected) ? 'passed' : 'failed'
  env.store?.finishRun(runId, status)
  const run = env.store?.getRun(runId) ?? runRow(env, runId, status, params, results)
  env.bus.emit('run:finished', { run })
  return { run, results }
}

/** Stands up the genuine server, the proxy the scenario needs and the victim; tears them down; judges. */
export async function runScenario(
  env: LabEnvironment,
  scenario: Scenario,
  position: { runId: string; ordinal: number },
): Promise<ScenarioResult> {
  const startedAt = new Date()
  const now = env.now?.() ?? startedAt
  const context: ScenarioContext = { pki: env.pki, host: TARGET_HOST, now }
  const servers: Servers = { genuine: null, proxy: null }
  const log = (level: 'info' | 'warn' | 'error', type: string, message: string, data?: unknown): void =>
    env.bus.emit('lab:log', { runId: position.runId, scenarioId: scenario.id, level, source: 'runner', type, message, data })
  let client: ClientReport | null = null
  let error: string | null = null
  try {
    client = await withTimeout(
      playScenario(env, scenario, context, servers, position, log),
      env.scenarioTimeoutMs ?? 20_000,
      `Scenario ${scenario.id} did not finish`,
    )
  } catch (cause) {
    error = cause instanceof LabError ? `${cause.code}: ${cause.message}` : (cause as Error).stack ?? String(cause)
    log('error', 'scenario-error', `Scenario ${scenario.id} could not be run: ${(cause as Error).message}`)
  } finally {
    await servers.proxy?.whenIdle(2_000)
    await Promise.all([servers.proxy?.close(), servers.genuine?.close()])
  }
  return judgeResult({
    scenario,
    position,
    client,
    error,
    connections: servers.proxy?.records() ?? [],
    genuineRequests: servers.genuine?.requests ?? [],
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
  })
}

async function playScenario(
  env: LabEnvironment,
  scenario: Scenario,
  context: ScenarioContext,
  servers: Servers,
  position: { runId: string; ordinal: number },
  log: (level: 'info' | 'warn' | 'error', type: string, message: string, data?: unknown) => void,
): Promise<ClientReport> {
  const { pki } = env
  servers.genuine = await startGenuineServer({
    certificateChainPem: chainPem(pki.genuineLeaf, pki.trustedIntermediate),
    privateKeyPem: pki.genuineLeaf.key.privateKeyPem,
  })
  const upstream = { host: servers.genuine.host, port: servers.genuine.port, caPem: pki.trustedRoot.pem }
  const proxyLog = {
    onIncident: (incident: { type: string; message: string; connectionId: number }) =>
      log('info', `proxy-${incident.type}`, incident.message, { connectionId: incident.connectionId }),
    onRecord: (record: import('../server/proxy/connection-record.js').ConnectionRecord) =>
      env.bus.emit('connection:closed', { runId: position.runId, scenarioId: scenario.id, record }),
  }
  const topology = scenario.topology
  if (topology.kind === 'intercept') {
    const forged = topology.forge(context)
    const [leaf] = forged.served
    if (leaf === undefined) throw new LabError('SCENARIO_INVALID', `Scenario ${scenario.id} forged an empty chain`)
    const served = {
      secureContext: createSecureContext({ key: leaf.key.privateKeyPem, cert: chainPem(...forged.served) }),
      chainDer: forged.served.map((cert) => cert.der),
      chainSubjects: forged.served.map((cert, index) => ({
        subject: formatName(cert.subject),
        issuer: formatName(forged.served[index + 1]?.subject ?? cert.subject),
      })),
    }
    servers.proxy = asMiddlebox(await startInterceptingProxy({
      mode: 'terminate',
      upstream,
      certificateFor: () => served,
      ...(topology.clientFacingTls === undefined ? {} : { clientFacingTls: topology.clientFacingTls }),
      ...proxyLog,
    }))
    log('info', 'proxy-forged', forged.description)
  } else if (topology.kind === 'passthrough') {
    servers.proxy = asMiddlebox(await startInterceptingProxy({ mode: 'passthrough', upstream, ...proxyLog }))
  } else if (topology.kind === 'custom') {
    servers.proxy = await topology.start(context, upstream)
  }
  const connectTo = servers.proxy?.connectTo ?? servers.genuine
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

interface Servers {
  genuine: GenuineServer | null
  proxy: PathMiddlebox | null
}

function asMiddlebox(proxy: InterceptingProxy): PathMiddlebox {
  return {
    connectTo: { host: proxy.host, port: proxy.port },
    records: () => proxy.records,
    whenIdle: (timeoutMs) => proxy.whenIdle(timeoutMs),
    close: () => proxy.close(),
  }
}

/** The victim trusts the public lab root and, like a corporate laptop, the installed interception CA. */
export function victimPolicy(context: ScenarioContext, scenario: Scenario): ClientPolicy {
  return {
    trustAnchors: [context.pki.trustedRoot.der, context.pki.interceptionCa.der],
    ...scenario.clientPolicy?.(context),
  }
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
