import type { ScenarioResult } from '../lab/scenario-result.js'
import type { RunReport } from './run-report.js'

export interface ResultChange {
  scenarioId: string
  clientId: string
  kind: 'changed' | 'added' | 'removed'
  before: ResultSnapshot | null
  after: ResultSnapshot | null
}

export interface ResultSnapshot {
  verdict: string
  catchingStep: string | null
  code: string | null
  leaked: boolean
}

/**
 * Which scenario × client pairs changed verdict, catching step, code or leak
 * between two runs: what an upgrade of a TLS library did to a client.
 */
export function diffRuns(before: RunReport, after: RunReport): ResultChange[] {
  const key = (r: ScenarioResult): string => `${r.scenarioId}\u0000${r.clientId}`
  const beforeByKey = new Map(before.results.map((r) => [key(r), r]))
  const afterByKey = new Map(after.results.map((r) => [key(r), r]))
  const changes: ResultChange[] = []
  for (const [k, result] of afterByKey) {
    const old = beforeByKey.get(k)
    if (old === undefined) changes.push({ scenarioId: result.scenarioId, clientId: result.clientId, kind: 'added', before: null, after: snapshot(result) })
    else if (JSON.stringify(snapshot(old)) !== JSON.stringify(snapshot(result))) {
      changes.push({ scenarioId: result.scenarioId, clientId: result.clientId, kind: 'changed', before: snapshot(old), after: snapshot(result) })
    }
  }
  for (const [k, result] of beforeByKey) {
    if (!afterByKey.has(k)) changes.push({ scenarioId: result.scenarioId, clientId: result.clientId, kind: 'removed', before: snapshot(result), after: null })
  }
  return changes
}

function snapshot(result: ScenarioResult): ResultSnapshot {
  return { verdict: result.verdict, catchingStep: result.catchingStep, code: result.code, leaked: result.leaked }
}

/** One line per change: `wrong-host (curl): reject HOST HOSTNAME_MISMATCH → accept (LEAKED)`. */
export function formatDiff(changes: ResultChange[], beforeId: string, afterId: string): string {
  if (changes.length === 0) return `No scenario changed between ${beforeId} and ${afterId}.\n`
  const describe = (s: ResultSnapshot | null): string =>
    s === null ? '(absent)' : `${s.verdict}${s.catchingStep ? ` ${s.catchingStep} ${s.code ?? ''}`.trimEnd() : ''}${s.leaked ? ' (LEAKED)' : ''}`
  const lines = changes.map((c) => `${c.kind.padEnd(7)} ${c.scenarioId} (${c.clientId}): ${describe(c.before)} → ${describe(c.after)}`)
  return `${changes.length} change(s) from ${beforeId} to ${afterId}:\n${lines.join('\n')}\n`
}
