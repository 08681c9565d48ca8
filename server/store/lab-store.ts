import { hostname } from 'node:os'
import type Database from 'better-sqlite3'
import type { ScenarioResult } from '../lab/scenario-result.js'
import type { StepResult } from '../steps/step-result.js'
import { openDatabase, storeError } from './open-database.js'

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

  constructor(readonly file: string) {
    this.db = openDatabase(file)
  }

  /**
   * Marks runs whose process is gone as aborted. Returns their ids. A run
   * with this process's pid that this process did not create belongs to an
   * earlier incarnation: containers restart with the same pid every time.
   */
  markAbortedRuns(isAlive: (pid: number) => boolean = processIsAlive): string[] {
    const running = this.db.prepare("SELECT id, pid, hostname FROM runs WHERE status = 'running'").all() as {
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
      result.connections.forEach((connection, index) => insertConnection.run(resultId, index, JSON.stringify(connection)))
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

  listRuns(limit = 100): RunRow[] {
    const rows = this.db
      .prepare(
        `SELECT r.*, COUNT(s.id) AS result_count,
           SUM(CASE WHEN s.kind = 'attack' AND s.verdict = 'reject' AND s.error IS NULL THEN 1 ELSE 0 END) AS caught_count,
           SUM(s.leaked) AS leaked_count,
           SUM(CASE WHEN s.as_expected = 0 THEN 1 ELSE 0 END) AS unexpected_count
         FROM runs r LEFT JOIN scenario_results s ON s.run_id = r.id
         GROUP BY r.id ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?`,
      )
      .all(limit) as RunDbRow[]
    return rows.map(toRunRow)
  }

  getRun(id: string): RunRow | null {
    return this.listRuns(1_000_000).find((run) => run.id === id) ?? null
  }

  /** Every result of a run, with steps and connections, in run order. */
  getResults(runId: string): ScenarioResult[] {
    const results = this.db.prepare('SELECT * FROM scenario_results WHERE run_id = ? ORDER BY ordinal, client_id').all(runId) as ResultDbRow[]
    const steps = this.db.prepare('SELECT * FROM step_results WHERE result_id = ? ORDER BY ordinal')
    const connections = this.db.prepare('SELECT record_json FROM connections WHERE result_id = ? ORDER BY ordinal')
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
        connections: (connections.all(row.id) as { record_json: string }[]).map((c) => JSON.parse(c.record_json)),
        client: detail.client,
        genuine: detail.genuine,
        mismatches: detail.mismatches,
        ...(detail.external === undefined ? {} : { external: detail.external }),
      }
    })
  }

  listEvents(runId: string, afterId = 0, limit = 10_000): LabEventRow[] {
    const rows = this.db
      .prepare('SELECT * FROM events WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?')
      .all(runId, afterId, limit) as EventDbRow[]
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

  integrityCheck(): string {
    return (this.db.pragma('integrity_check', { simple: true }) as string) ?? 'unknown'
  }

  close(): void {
    if (this.db.open) this.db.close()
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
