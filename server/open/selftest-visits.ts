import { randomBytes } from 'node:crypto'
import { judgeDriverResult } from '../../scenarios/judge-result.js'
import { newRunId } from '../../scenarios/runner.js'
import type { DriverOutcome } from '../drivers/client-driver.js'
import type { GenuineRequest, ScenarioResult } from '../lab/scenario-result.js'
import type { ConnectionRecord } from '../proxy/connection-record.js'
import { summarizeClients, type ClientSummary } from '../report/client-summary.js'
import type { LabStore } from '../store/lab-store.js'
import { observeProbe, type ProbeObservation } from './probe-observation.js'
import type { OpenScenario } from './stage-open-lab.js'
import type { VisitorStore } from './visitor-store.js'

/** How long the records of a refused probe may take to close before they are read. */
const RECORDS_SETTLE_MS = 2_000
/** How long a finished visit waits for its accepted connections to close (the genuine bank's keep-alive is 5 s). */
const FINISH_SETTLE_MS = 7_000

/** What the page shows for one probe. */
export interface ProbeReport {
  scenarioId: string
  title: string
  kind: 'attack' | 'control'
  /** What the lab saw: accepted or refused, never the page's guess. */
  verdict: 'accepted' | 'refused'
  asExpected: boolean
  expected: { verdict: 'accept' | 'reject'; step: string | null }
  observation: ProbeObservation
  explanation: string
}

interface Probe {
  open: OpenScenario
  startedAt: Date
  /** When the page asked for the result: the probe's end, as the browser saw it. */
  endedAt: Date | null
  recordsBefore: number
  requestsBefore: number
  /** When the scenario's middlebox is the site itself: where its request log stood. */
  siteRequestsBefore: number
  report: ProbeReport | null
}

interface Visit {
  token: string
  runId: string
  clientId: string
  visitorId: string
  startedAt: Date
  probes: Map<string, Probe>
  results: ScenarioResult[]
  isFinished: boolean
}

/** Everything the lab knows about a finished visit: the per-scenario results and the summary card. */
export interface VisitReport {
  token: string
  runId: string
  clientId: string
  results: ScenarioResult[]
  summary: ClientSummary | null
}

/**
 * The self-test visits in progress. A visit is a run (trigger 'open-lab') with
 * one client, `visitor-<id>`: each probe's result is judged by the same
 * function as a lab-driven client's (judgeDriverResult) and committed as soon
 * as it is known, so a closed tab keeps what it measured and the report
 * formats, the dashboard and `mitmlab report` read it like any run.
 */
export class SelfTestVisits {
  private readonly visits = new Map<string, Visit>()
  private readonly byId: Map<string, OpenScenario>

  constructor(
    served: readonly OpenScenario[],
    private readonly store: LabStore | null,
    private readonly visitors: VisitorStore | null,
    /** Told about every committed result and finished visit (the dashboard's live feed). */
    private readonly onChange: (change: { token: string; visitorId: string; result?: ScenarioResult; finished?: VisitReport }) => void = () => {},
  ) {
    this.byId = new Map(served.map((open) => [open.scenario.id, open]))
  }

  /** The scenarios a browser's page probes, in catalog order. */
  probed(): OpenScenario[] {
    return [...this.byId.values()].filter((open) => open.reach.kind === 'https-probe')
  }

  start(visitor: { id: string; userAgent: string | null }): { token: string; runId: string; clientId: string } {
    // Bounded: a page reloaded in a loop must not grow the map without end.
    if (this.visits.size >= 1_000) {
      const oldest = this.visits.keys().next().value
      if (oldest !== undefined) this.visits.delete(oldest)
    }
    const token = randomBytes(12).toString('hex')
    const runId = newRunId()
    const clientId = `visitor-${visitor.id}`
    const probed = this.probed()
    this.visits.set(token, { token, runId, clientId, visitorId: visitor.id, startedAt: new Date(), probes: new Map(), results: [], isFinished: false })
    this.store?.createRun({
      id: runId,
      trigger: 'open-lab',
      options: { clients: [clientId], scenarios: probed.map((open) => open.scenario.id), visitor: visitor.id, userAgent: visitor.userAgent, probeToken: token },
      scenarioCount: probed.length,
    })
    this.visitors?.startVisit({ token, visitorId: visitor.id, scheme: 'https', userAgent: visitor.userAgent })
    return { token, runId, clientId }
  }

  has(token: string): boolean {
    return this.visits.has(token)
  }

  /** Marks where the scenario's records stood before the probe: what comes after is this probe's. */
  probeStart(token: string, scenarioId: string): boolean {
    const visit = this.visits.get(token)
    const open = this.byId.get(scenarioId)
    if (visit === undefined || open === undefined || open.reach.kind !== 'https-probe' || visit.isFinished) return false
    visit.probes.set(scenarioId, {
      open,
      startedAt: new Date(),
      endedAt: null,
      recordsBefore: open.servers.proxy?.records().length ?? 0,
      requestsBefore: open.servers.genuine?.requests.length ?? 0,
      siteRequestsBefore: open.servers.proxy?.requests?.().length ?? 0,
      report: null,
    })
    return true
  }

  /** Judges the probe from what the scenario's servers saw since it started; once per probe. */
  async probeResult(token: string, scenarioId: string): Promise<ProbeReport | null> {
    const visit = this.visits.get(token)
    const probe = visit?.probes.get(scenarioId)
    if (visit === undefined || probe === undefined) return null
    if (probe.report !== null) return probe.report
    const { open } = probe
    probe.endedAt = new Date()
    let records = open.servers.proxy?.records().slice(probe.recordsBefore) ?? []
    let requests = requestsSince(probe)
    if (!observeProbe(token, records, requests).accepted) {
      // A refused handshake's record is complete once its connection has closed.
      await open.servers.proxy?.whenIdle(RECORDS_SETTLE_MS)
      records = open.servers.proxy?.records().slice(probe.recordsBefore) ?? []
      requests = requestsSince(probe)
    }
    if (probe.report !== null) return probe.report
    const { observation, result } = this.judge(visit, probe, records, requests)
    const report: ProbeReport = {
      scenarioId,
      title: open.scenario.title,
      kind: open.scenario.kind,
      verdict: observation.accepted ? 'accepted' : 'refused',
      asExpected: result.asExpected,
      expected: { verdict: open.scenario.expect.verdict, step: open.scenario.expect.step },
      observation,
      explanation: open.scenario.explanation,
    }
    probe.report = report
    return report
  }

  /** The probe judged as a lab-driven client's result is (judgeDriverResult), from what its scenario's servers saw. */
  private judge(
    visit: Visit,
    probe: Probe,
    records: ConnectionRecord[],
    requests: GenuineRequest[],
  ): { observation: ProbeObservation; result: ScenarioResult } {
    const observation = observeProbe(visit.token, records, requests)
    const outcome: DriverOutcome = observation.accepted
      ? { verdict: 'accept', rawError: null, exitCode: null, step: null, isMapped: false, output: observation.detail }
      : // The lab sees the wire, not which of the browser's own checks refused: the step stays unnamed, never guessed.
        { verdict: 'reject', rawError: observation.detail, exitCode: null, step: null, isMapped: false, output: observation.detail }
    const ordinal = this.probed().findIndex((candidate) => candidate.scenario.id === probe.open.scenario.id)
    const result = judgeDriverResult({
      scenario: probe.open.scenario,
      position: { runId: visit.runId, ordinal: Math.max(0, ordinal) },
      clientId: visit.clientId,
      outcome,
      error: null,
      connections: records,
      genuineRequests: requests,
      startedAt: probe.startedAt,
      durationMs: (probe.endedAt ?? new Date()).getTime() - probe.startedAt.getTime(),
    })
    return { observation, result }
  }

  /**
   * Closes the visit's run and returns its report card. Every probed
   * scenario's records are read once more when its connections have closed (a
   * browser keeps an accepted connection open, and the proxy publishes a
   * record at close: only then does it say what the attacker read), and the
   * results are committed in one go.
   */
  async finish(token: string): Promise<VisitReport | null> {
    const visit = this.visits.get(token)
    if (visit === undefined) return null
    if (!visit.isFinished) {
      visit.isFinished = true
      const probes = [...visit.probes.values()].filter((probe) => probe.report !== null)
      await Promise.all([...new Set(probes.map((probe) => probe.open.servers.proxy))].map((proxy) => proxy?.whenIdle(FINISH_SETTLE_MS)))
      for (const probe of probes) {
        const records = probe.open.servers.proxy?.records().slice(probe.recordsBefore) ?? []
        const requests = requestsSince(probe)
        // Only what belongs to this visit: another visitor's probe of the same scenario carries another token.
        const mine = records.filter((record) => !carriesOtherToken(record, token))
        const { result } = this.judge(visit, probe, mine, requests.filter((request) => !/probe=[0-9a-f]{24}/.test(request.path) || request.path.includes(`probe=${token}`)))
        visit.results.push(result)
        this.store?.insertScenarioResult(result)
        this.onChange({ token, visitorId: visit.visitorId, result })
      }
      visit.results.sort((a, b) => a.ordinal - b.ordinal)
      this.store?.finishRun(visit.runId, visit.results.every((result) => result.asExpected) ? 'passed' : 'failed')
      this.visitors?.finishVisit(token, visit.runId)
      this.onChange({ token, visitorId: visit.visitorId, finished: this.report(visit) })
    }
    return this.report(visit)
  }

  private report(visit: Visit): VisitReport {
    return {
      token: visit.token,
      runId: visit.runId,
      clientId: visit.clientId,
      results: visit.results,
      summary: summarizeClients(visit.results, {}, [visit.clientId])[0] ?? null,
    }
  }
}

/** A record of a connection that carried some other visit's probe token. */
function carriesOtherToken(record: ConnectionRecord, token: string): boolean {
  return record.plaintext.requests.some((request) => /probe=[0-9a-f]{24}/.test(request.path) && !request.path.includes(`probe=${token}`))
}

/** What reached the bank since the probe started: the genuine server's log, and the site's when the scenario is the site. */
function requestsSince(probe: Probe): GenuineRequest[] {
  const { servers } = probe.open
  return [...(servers.genuine?.requests.slice(probe.requestsBefore) ?? []), ...(servers.proxy?.requests?.().slice(probe.siteRequestsBefore) ?? [])]
}
