import type { LabPki } from '../../ca/index.js'
import type { Scenario, ScenarioContext } from '../../scenarios/define-scenario.js'
import type { LabEnvironment } from '../../scenarios/runner.js'
import { stageScenario, victimPolicy, type StagedServers } from '../../scenarios/stage-scenario.js'
import { LabBus } from '../bus/lab-bus.js'
import { runInstrumentedClient } from '../client/instrumented-client.js'
import { LabError } from '../errors.js'
import { VICTIM_CREDENTIALS } from '../genuine/bank-site.js'
import { scenarioHost } from './lab-names.js'
import { issueOpenGenuineLeaf } from './open-genuine-leaf.js'
import { browserReach, unservableReason, type BrowserReach } from './open-servability.js'

/** One scenario live at its own name. */
export interface OpenScenario {
  scenario: Scenario
  /** `<id>.bank.lab`. */
  host: string
  context: ScenarioContext
  servers: StagedServers
  /** Where a visitor's TCP connection for `host` goes: the middlebox, or the genuine server for a control. */
  route: { host: string; port: number }
  reach: BrowserReach
}

export interface NotServed {
  scenario: Scenario
  reason: string
}

export interface StagedOpenLab {
  served: OpenScenario[]
  notServed: NotServed[]
  /** The PKI the scenarios were staged with: the lab's, with a genuine leaf naming every served host. */
  pki: LabPki
  close(): Promise<void>
}

export interface StageOpenLabParams {
  pki: LabPki
  scenarios: readonly Scenario[]
  now?: Date
  /** Scenarios staged at once (each forges keys and starts servers). Default: 4. */
  concurrency?: number
  /** Progress lines (one per scenario that is not served). */
  onLog?: (line: string) => void
}

/**
 * Stages every scenario at `<id>.bank.lab`, each exactly as the runner stages
 * it for bank.lab (stageScenario: the same genuine server, forging proxy or
 * middlebox; forging for the name in the context), then lets the lab's own
 * verifier visit each one at that name: a scenario whose verdict or catching
 * step there differs from its catalog entry (a certificate whose names are
 * written for bank.lab, say `*.bank.lab`, which also covers every sub-name)
 * is not served, with the reason. Scenarios whose middlebox counts visits are
 * staged afresh after the check, so the first visitor meets them as new.
 */
export async function stageOpenLab(params: StageOpenLabParams): Promise<StagedOpenLab> {
  const now = params.now ?? new Date()
  const notServed: NotServed[] = []
  const candidates: Scenario[] = []
  for (const scenario of params.scenarios) {
    const reason = unservableReason(scenario)
    if (reason === null) candidates.push(scenario)
    else notServed.push({ scenario, reason })
  }
  const genuineLeaf = issueOpenGenuineLeaf(params.pki, candidates.map((scenario) => scenarioHost(scenario.id)), now)
  const pki: LabPki = { ...params.pki, genuineLeaf }
  const env: LabEnvironment = { pki, bus: new LabBus(), store: null, drivers: [] }
  const staged: OpenScenario[] = []
  const stageOne = async (scenario: Scenario, ordinal: number): Promise<OpenScenario> => {
    const host = scenarioHost(scenario.id)
    const context: ScenarioContext = { pki, host, now }
    const servers: StagedServers = { genuine: null, proxy: null, tunnel: null, caDir: null }
    try {
      await stageScenario(env, scenario, context, servers, { runId: 'open-lab', ordinal }, () => {})
    } catch (cause) {
      await closeServers(servers)
      throw cause
    }
    const route = servers.proxy?.connectTo ?? servers.genuine
    if (route === null) throw new LabError('INTERNAL', `Scenario ${scenario.id} staged nothing to connect to`)
    return { scenario, host, context, servers, route: { host: route.host, port: route.port }, reach: browserReach(scenario, context) }
  }
  try {
    await eachLimited(candidates, params.concurrency ?? 4, async (scenario, ordinal) => {
      try {
        const open = await stageOne(scenario, ordinal)
        const mismatch = await checkAtSubName(open)
        if (mismatch === null) {
          staged.push(open)
          return
        }
        await closeServers(open.servers)
        notServed.push({ scenario, reason: mismatch })
      } catch (cause) {
        notServed.push({ scenario, reason: `could not be staged: ${(cause as Error).message}` })
      }
      params.onLog?.(`not served: ${scenario.id}: ${notServed.at(-1)?.reason ?? ''}`)
    })
    // Stateful middleboxes (visit and connection counters) start over for the visitors.
    for (const [index, open] of staged.entries()) {
      const policy = victimPolicy(open.context, open.scenario)
      const counts = policy.startUrl !== undefined || (policy.connections ?? 1) > 1 || policy.visits !== undefined || open.scenario.tags.includes('probabilistic')
      if (!counts) continue
      await closeServers(open.servers)
      staged[index] = await stageOne(open.scenario, index)
    }
  } catch (cause) {
    await Promise.all(staged.map((open) => closeServers(open.servers)))
    throw cause
  }
  const order = new Map(params.scenarios.map((scenario, index) => [scenario.id, index]))
  const byCatalog = <T extends { scenario: Scenario }>(a: T, b: T): number => (order.get(a.scenario.id) ?? 0) - (order.get(b.scenario.id) ?? 0)
  staged.sort(byCatalog)
  notServed.sort(byCatalog)
  return {
    served: staged,
    notServed,
    pki,
    close: async () => {
      await Promise.all(staged.map((open) => closeServers(open.servers)))
    },
  }
}

/** The lab's verifier at the sub-name: null when it behaves as the catalog says, else why not. */
async function checkAtSubName(open: OpenScenario): Promise<string | null> {
  const { scenario, context } = open
  const report = await runInstrumentedClient({
    connectTo: open.route,
    expectedHost: open.host,
    policy: victimPolicy(context, scenario),
    now: context.now,
    credentials: VICTIM_CREDENTIALS,
  })
  await open.servers.proxy?.whenIdle(2_000)
  if (report.verdict === scenario.expect.verdict && report.catchingStep === scenario.expect.step) return null
  const got = report.verdict === 'accept' ? 'accepts' : `rejects at ${report.catchingStep ?? '?'} (${report.code ?? 'no code'})`
  const expected = scenario.expect.verdict === 'accept' ? 'accept' : `reject at ${scenario.expect.step ?? '?'}`
  return `at ${open.host} the lab's verifier ${got} where the scenario expects ${expected}: its certificate names are written for bank.lab itself`
}

async function closeServers(servers: StagedServers): Promise<void> {
  await Promise.all([servers.proxy?.close(), servers.genuine?.close(), servers.tunnel?.close()])
}

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++
      await work(items[index] as T, index)
    }
  })
  await Promise.all(lanes)
}
