import { hostname } from 'node:os'
import type Database from 'better-sqlite3'
import type { ScenarioResult } from '../lab/scenario-result.js'
import type { ConnectionRecord } from '../proxy/connection-record.js'
import type { ProxyFlow } from '../proxy/proxy-flow.js'
import type { StepResult } from '../steps/step-result.js'
import { isSqliteError, openDatabase, storeError, type OpenDatabaseOptions } from './open-database.js'

export type RunStatus = 'running' | 'passed' | 'failed' | 'cancelled' | 'aborted'

export interface RunRow {
  id: string
  startedAt: string
  finishedAt: string | null
  status: RunStatus
  trigger: string
  options: Record<string, unknown>
  scenarioCount: number
  resultCount: number
  caughtCount: number
  leakedCount: number
  unexpectedCount: number
}

export interface LabEventRow {
  id: number
  runId: string | null
  scenarioId: string | null
  at: string
  level: 'debug' | 'info' | 'warn' | 'error'
  source: string
  type: string
  message: string
  data: unknown
}

export type NewLabEvent = Omit<LabEventRow, 'id' | 'at'> & { at?: string }

/**
 * The lab's SQLite store. Each scenario result (with its steps and connection
 * records) is one transaction: a run killed mid-way keeps every completed
 * scenario, and the next start marks the run `aborted`.
 */
export class LabStore {
  readonly db: Database.Database

  /** `{ readonly: true }` for commands that only read (report, diff, capture): read access to the file is enough. */
  constructor(
    readonly file: string,
    options: OpenDatabaseOptions = {},
  ) {
    this.db = openDatabase(file, options)
  }

  /**
   * Marks runs whose process is gone as aborted. Returns their ids. A run
   * with this process's pid that this process did not create belongs to an
   * earlier incarnation: containers restart with the same pid every time.
   */
  markAbortedRuns(isAlive: (pid: number) => boolean = processIsAlive): string[] {
    const running = this.read(() => this.db.prepare("SELECT id, pid, hostname FROM runs WHERE status = 'running'").all()) as {
      id: string
      pid: number
      hostname: string
    }[]
    const dead = running.filter((run) => {
      if (run.hostname !== hostname() || RUNS_OF_THIS_PROCESS.has(run.id)) return false
      return run.pid === process.pid || !isAlive(run.pid)
    })
    const mark = this.db.prepare("UPDATE runs SET status = 'aborted', finished_at = ? WHERE id = ?")
    this.write(() => {
      for (const run of dead) mark.run(new Date().toISOString(), run.id)
    })
    return dead.map((run) => run.id)
  }

  createRun(run: { id: string; trigger: string; options: Record<string, unknown>; scenarioCount: number }): void {
    RUNS_OF_THIS_PROCESS.add(run.id)
    this.write(() =>
      this.db
        .prepare(
          `INSERT INTO runs (id, started_at, status, trigger, options_json, pid, hostname, scenario_count)
           VALUES (?, ?, 'running', ?, ?, ?, ?, ?)`,
        )
        .run(run.id, new Date().toISOString(), run.trigger, JSON.stringify(run.options), process.pid, hostname(), run.scenarioCount),
    )
  }

  finishRun(id: string, status: Exclude<RunStatus, 'running'>): void {
    this.write(() =>
      this.db.prepare('UPDATE runs SET status = ?, finished_at = ? WHERE id = ?').run(status, new Date().toISOString(), id),
    )
  }

  /** Commits one scenario result with all its steps and connections atomically. Returns its row id. */
  insertScenarioResult(result: ScenarioResult): number {
    const insertResult = this.db.prepare(
      `INSERT INTO scenario_results (run_id, ordinal, scenario_id, client_id, kind, expected_verdict, expected_step,
         expected_code, verdict, catching_step, code, node_authorized, node_error, leaked, as_expected, error,
         started_at, duration_ms, detail_json)
       VALUES (@runId, @ordinal, @scenarioId, @clientId, @kind, @expectedVerdict, @expectedStep, @expectedCode,
         @verdict, @catchingStep, @code, @nodeAuthorized, @nodeError, @leaked, @asExpected, @error, @startedAt,
         @durationMs, @detailJson)`,
    )
    const insertStep = this.db.prepare(
      'INSERT INTO step_results (result_id, ordinal, step, status, code, message, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    const insertConnection = this.db.prepare('INSERT INTO connections (result_id, ordinal, record_json) VALUES (?, ?, ?)')
    // A store that can be written to was migrated when it was opened (open-database.ts), so it has
    // migration 009's table; only a read-only store may predate it.
    const insertFlows = this.db.prepare('INSERT INTO proxy_flows (result_id, connection_ordinal, flows_json, not_listed) VALUES (?, ?, ?, ?)')
    const count = this.db.prepare(
      `UPDATE runs SET result_count = result_count + 1, caught_count = caught_count + ?, leaked_count = leaked_count + ?,
         unexpected_count = unexpected_count + ? WHERE id = ?`,
    )
    return this.write(() => {
      const { lastInsertRowid } = insertResult.run({
        runId: result.runId,
        ordinal: result.ordinal,
        scenarioId: result.scenarioId,
        clientId: result.clientId,
        kind: result.kind,
        expectedVerdict: result.expected.verdict,
        expectedStep: result.expected.step,
        expectedCode: result.expected.code ?? null,
        verdict: result.verdict,
        catchingStep: result.catchingStep,
        code: result.code,
        nodeAuthorized: result.node.authorized ? 1 : 0,
        nodeError: result.node.error,
        leaked: result.leaked ? 1 : 0,
        asExpected: result.asExpected ? 1 : 0,
        error: result.error,
        startedAt: result.startedAt,
        durationMs: result.durationMs,
        // serverDetects has no column of its own: kept with the detail so a stored result reads back as written.
        detailJson: JSON.stringify({ client: result.client, genuine: result.genuine, mismatches: result.mismatches, external: result.external, serverDetects: result.expected.serverDetects }),
      })
      const resultId = Number(lastInsertRowid)
      result.steps.forEach((step, index) =>
        insertStep.run(resultId, index, step.step, step.status, step.code ?? null, step.message, step.detail ? JSON.stringify(step.detail) : null),
      )
      result.connections.forEach((connection, index) => {
        // The flows go to their own table (migration 009); the record keeps what it always held.
        const { flows, flowsNotListed, ...plaintext } = connection.plaintext
        insertConnection.run(resultId, index, JSON.stringify({ ...connection, plaintext }))
        if (flows !== undefined && flows.length + (flowsNotListed ?? 0) > 0) insertFlows.run(resultId, index, JSON.stringify(flows), flowsNotListed ?? 0)
      })
      // The run's counts, in the same transaction as the result they count (migration 005).
      // A scenario that could not be run caught nothing, whatever its default verdict says.
      count.run(result.kind === 'attack' && result.verdict === 'reject' && result.error === null ? 1 : 0, result.leaked ? 1 : 0, result.asExpected ? 0 : 1, result.runId)
      return resultId
    })
  }

  insertEvent(event: NewLabEvent): number {
    const { lastInsertRowid } = this.write(() =>
      this.db
        .prepare(
          'INSERT INTO events (run_id, scenario_id, at, level, source, type, message, data_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          event.runId,
          event.scenarioId,
          event.at ?? new Date().toISOString(),
          event.level,
          event.source,
          event.type,
          event.message,
          event.data === undefined ? null : JSON.stringify(event.data),
        ),
    )
    return Number(lastInsertRowid)
  }

  /**
   * The newest `limit` runs with their counts, read from the runs table alone
   * (runs_by_started, and the counts kept on each run by migration 005): the
   * cost follows `limit`, not the size of the store (issue 17 item 10). A
   * store opened read-only with an older schema is counted from its results.
   */
  listRuns(limit = 100): RunRow[] {
    const sql = this.hasRunCounts()
      ? 'SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?'
      : `SELECT r.*, ${RUN_COUNTS}
         FROM (SELECT rowid AS run_rowid, * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?) r
         LEFT JOIN scenario_results s ON s.run_id = r.id
         GROUP BY r.id ORDER BY r.started_at DESC, r.run_rowid DESC`
    const rows = this.read(() => this.db.prepare(sql).all(limit)) as RunDbRow[]
    return rows.map(toRunRow)
  }

  /** One run with its counts, by primary key. */
  getRun(id: string): RunRow | null {
    const sql = this.hasRunCounts()
      ? 'SELECT * FROM runs WHERE id = ?'
      : `SELECT r.*, ${RUN_COUNTS} FROM runs r LEFT JOIN scenario_results s ON s.run_id = r.id WHERE r.id = ? GROUP BY r.id`
    const row = this.read(() => this.db.prepare(sql).get(id)) as RunDbRow | undefined
    return row === undefined ? null : toRunRow(row)
  }

  private runCountColumns: boolean | undefined
  /** Migration 005 applied: the runs table carries its counts. */
  private hasRunCounts(): boolean {
    this.runCountColumns ??= this.read(() =>
      (this.db.prepare('SELECT name FROM pragma_table_info(?)').all('runs') as { name: string }[]).some((column) => column.name === 'unexpected_count'),
    )
    return this.runCountColumns
  }

  /**
   * SQLite's count of commits made by other connections to this file
   * (https://sqlite.org/pragma.html#pragma_data_version): a poller that sees
   * it unchanged knows nothing was written elsewhere without reading a table.
   */
  dataVersion(): number {
    return this.read(() => this.db.pragma('data_version', { simple: true }) as number)
  }

  /** Every result of a run, with steps and connections, in run (catalog) order: by ordinal, then client. */
  getResults(runId: string): ScenarioResult[] {
    return this.read(() =>
      this.readResults(this.db.prepare('SELECT * FROM scenario_results WHERE run_id = ? ORDER BY ordinal, client_id').all(runId) as ResultDbRow[]),
    )
  }

  /**
   * The results of a run committed after row `afterResultId`, in run order,
   * and the highest row id read (pass it next time). A parallel run
   * (`--jobs`) commits scenarios as they finish, not in catalog order, so
   * "skip the first N by ordinal" would miss a late-committed early scenario;
   * row ids only grow with commits.
   */
  getResultsAfter(runId: string, afterResultId: number): { results: ScenarioResult[]; lastResultId: number } {
    return this.read(() => {
      const rows = this.db
        .prepare('SELECT * FROM scenario_results WHERE run_id = ? AND id > ? ORDER BY ordinal, client_id')
        .all(runId, afterResultId) as ResultDbRow[]
      return { results: this.readResults(rows), lastResultId: rows.reduce((last, row) => Math.max(last, row.id), afterResultId) }
    })
  }

  /** The highest row id among a run's results (0 for none): where a watcher that starts mid-run begins. */
  lastResultId(runId: string): number {
    return this.read(() => {
      const row = this.db.prepare('SELECT MAX(id) AS last FROM scenario_results WHERE run_id = ?').get(runId) as { last: number | null }
      return row.last ?? 0
    })
  }

  private readResults(results: readonly ResultDbRow[]): ScenarioResult[] {
    const steps = this.db.prepare('SELECT * FROM step_results WHERE result_id = ? ORDER BY ordinal')
    const connections = this.db.prepare('SELECT record_json FROM connections WHERE result_id = ? ORDER BY ordinal')
    const flows = this.hasProxyFlows()
      ? this.db.prepare('SELECT connection_ordinal, flows_json, not_listed FROM proxy_flows WHERE result_id = ?')
      : null
    const withFlows = (resultId: number, records: ConnectionRecord[]): ConnectionRecord[] => {
      for (const row of (flows?.all(resultId) ?? []) as { connection_ordinal: number; flows_json: string; not_listed: number }[]) {
        const record = records[row.connection_ordinal]
        if (record === undefined) continue
        record.plaintext.flows = JSON.parse(row.flows_json) as ProxyFlow[]
        if (row.not_listed > 0) record.plaintext.flowsNotListed = row.not_listed
      }
      return records
    }
    return results.map((row) => {
      const detail = JSON.parse(row.detail_json) as Pick<ScenarioResult, 'client' | 'genuine' | 'mismatches' | 'external'> & { serverDetects?: boolean }
      return {
        runId: row.run_id,
        ordinal: row.ordinal,
        scenarioId: row.scenario_id,
        clientId: row.client_id,
        kind: row.kind as ScenarioResult['kind'],
        expected: {
          verdict: row.expected_verdict as ScenarioResult['verdict'],
          step: row.expected_step as ScenarioResult['catchingStep'],
          ...(row.expected_code === null ? {} : { code: row.expected_code }),
          ...(detail.serverDetects === undefined ? {} : { serverDetects: detail.serverDetects }),
        },
        verdict: row.verdict as ScenarioResult['verdict'],
        catchingStep: row.catching_step as ScenarioResult['catchingStep'],
        code: row.code,
        node: { authorized: row.node_authorized === 1, error: row.node_error },
        leaked: row.leaked === 1,
        asExpected: row.as_expected === 1,
        error: row.error,
        startedAt: row.started_at,
        durationMs: row.duration_ms,
        steps: (steps.all(row.id) as StepDbRow[]).map(toStepResult),
        connections: withFlows(row.id, (connections.all(row.id) as { record_json: string }[]).map((c) => JSON.parse(c.record_json) as ConnectionRecord)),
        client: detail.client,
        genuine: detail.genuine,
        mismatches: detail.mismatches,
        ...(detail.external === undefined ? {} : { external: detail.external }),
      }
    })
  }

  /**
   * A finished run's view, gzipped, as kept by putRunView (see migration
   * 004), or null when none was kept for this `version` (or the store predates
   * views: a read-only store is not migrated).
   */
  getRunView(runId: string, version: number): Buffer | null {
    if (!this.hasRunViews()) return null
    const row = this.read(() => this.db.prepare('SELECT detail_gzip FROM run_views WHERE run_id = ? AND version = ?').get(runId, version)) as
      | { detail_gzip: Buffer }
      | undefined
    return row?.detail_gzip ?? null
  }

  /** Keeps a finished run's view (gzipped bytes). Best effort: false when the store cannot be written. */
  putRunView(runId: string, version: number, detailGzip: Buffer): boolean {
    if (!this.hasRunViews() || this.db.readonly) return false
    try {
      this.db.prepare('INSERT OR REPLACE INTO run_views (run_id, version, detail_gzip) VALUES (?, ?, ?)').run(runId, version, detailGzip)
      return true
    } catch (cause) {
      if (isSqliteError(cause)) return false
      throw cause
    }
  }

  private proxyFlowsTable: boolean | undefined
  /** Migration 009; a store opened read-only at an older schema has no such table, and its connections no flows. */
  private hasProxyFlows(): boolean {
    this.proxyFlowsTable ??= this.read(() => this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'proxy_flows'").get() !== undefined)
    return this.proxyFlowsTable
  }

  private runViewsTable: boolean | undefined
  private hasRunViews(): boolean {
    this.runViewsTable ??= this.read(() => this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'run_views'").get() !== undefined)
    return this.runViewsTable
  }

  listEvents(runId: string, afterId = 0, limit = 10_000): LabEventRow[] {
    const rows = this.read(() =>
      this.db.prepare('SELECT * FROM events WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?').all(runId, afterId, limit),
    ) as EventDbRow[]
    return rows.map((row) => ({
      id: row.id,
      runId: row.run_id,
      scenarioId: row.scenario_id,
      at: row.at,
      level: row.level as LabEventRow['level'],
      source: row.source,
      type: row.type,
      message: row.message,
      data: row.data_json === null ? null : JSON.parse(row.data_json),
    }))
  }

  /** False once close() ran: late events (a server's socket error after teardown) have nowhere to go. */
  get isOpen(): boolean {
    return this.db.open
  }

  /**
   * The run list's (scenario, client) counts for the given runs: per run and
   * client, its results and how many were as expected, and per run the
   * distinct scenarios (a scenario run with 7 clients is 1 scenario, 7 results).
   */
  countResultsByClient(runIds: readonly string[]): {
    clients: { runId: string; clientId: string; results: number; asExpected: number }[]
    scenarios: { runId: string; scenarios: number }[]
  } {
    if (runIds.length === 0) return { clients: [], scenarios: [] }
    // SQLite caps bound parameters (32,766 by default): long lists are counted in slices.
    if (runIds.length > 500) {
      const parts = Array.from({ length: Math.ceil(runIds.length / 500) }, (_, index) => this.countResultsByClient(runIds.slice(index * 500, index * 500 + 500)))
      return { clients: parts.flatMap((part) => part.clients), scenarios: parts.flatMap((part) => part.scenarios) }
    }
    const placeholders = runIds.map(() => '?').join(', ')
    const clients = this.db
      .prepare(
        `SELECT run_id AS runId, client_id AS clientId, COUNT(*) AS results, SUM(as_expected) AS asExpected, MIN(id) AS firstId
         FROM scenario_results WHERE run_id IN (${placeholders}) GROUP BY run_id, client_id ORDER BY run_id, firstId`,
      )
      .all(...runIds) as { runId: string; clientId: string; results: number; asExpected: number | null }[]
    const scenarios = this.db
      .prepare(`SELECT run_id AS runId, COUNT(DISTINCT scenario_id) AS scenarios FROM scenario_results WHERE run_id IN (${placeholders}) GROUP BY run_id`)
      .all(...runIds) as { runId: string; scenarios: number }[]
    return { clients: clients.map(({ runId, clientId, results, asExpected }) => ({ runId, clientId, results, asExpected: asExpected ?? 0 })), scenarios }
  }

  integrityCheck(): string {
    return (this.db.pragma('integrity_check', { simple: true }) as string) ?? 'unknown'
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  /** Runs a read, turning SQLite failures (a damaged page) into LabErrors that name the file. */
  private read<T>(fn: () => T): T {
    try {
      return fn()
    } catch (cause) {
      if (isSqliteError(cause)) throw storeError(cause, this.file)
      throw cause
    }
  }

  /** Runs `fn` in one transaction, turning SQLite failures into LabErrors that name the file. */
  private write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)()
    } catch (cause) {
      throw storeError(cause, this.file)
    }
  }
}

/** Runs created by this process (across every LabStore it opened): alive as long as it is. */
const RUNS_OF_THIS_PROCESS = new Set<string>()

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

interface RunDbRow {
  id: string
  started_at: string
  finished_at: string | null
  status: RunStatus
  trigger: string
  options_json: string
  scenario_count: number
  result_count: number
  caught_count: number | null
  leaked_count: number | null
  unexpected_count: number | null
}

/** The per-run counts, over `s` (scenario_results) joined to `r` (runs). */
const RUN_COUNTS = `COUNT(s.id) AS result_count,
  SUM(CASE WHEN s.kind = 'attack' AND s.verdict = 'reject' AND s.error IS NULL THEN 1 ELSE 0 END) AS caught_count,
  SUM(s.leaked) AS leaked_count,
  SUM(CASE WHEN s.as_expected = 0 THEN 1 ELSE 0 END) AS unexpected_count`

function toRunRow(row: RunDbRow): RunRow {
  return {
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    trigger: row.trigger,
    options: JSON.parse(row.options_json) as Record<string, unknown>,
    scenarioCount: row.scenario_count,
    resultCount: row.result_count,
    caughtCount: row.caught_count ?? 0,
    leakedCount: row.leaked_count ?? 0,
    unexpectedCount: row.unexpected_count ?? 0,
  }
}

interface ResultDbRow {
  id: number
  run_id: string
  ordinal: number
  scenario_id: string
  client_id: string
  kind: string
  expected_verdict: string
  expected_step: string | null
  expected_code: string | null
  verdict: string
  catching_step: string | null
  code: string | null
  node_authorized: number
  node_error: string | null
  leaked: number
  as_expected: number
  error: string | null
  started_at: string
  duration_ms: number
  detail_json: string
}

interface StepDbRow {
  step: string
  status: string
  code: string | null
  message: string
  detail_json: string | null
}

function toStepResult(row: StepDbRow): StepResult {
  return {
    step: row.step as StepResult['step'],
    status: row.status as StepResult['status'],
    ...(row.code === null ? {} : { code: row.code }),
    message: row.message,
    ...(row.detail_json === null ? {} : { detail: JSON.parse(row.detail_json) as Record<string, unknown> }),
  }
}

interface EventDbRow {
  id: number
  run_id: string | null
  scenario_id: string | null
  at: string
  level: string
  source: string
  type: string
  message: string
  data_json: string | null
}
