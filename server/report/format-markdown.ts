import { gatePolicyOf, gateVerdict, isJudged } from './ci-gate.js'
import { clientIdsOf, clientVersionsOf, describeRunShape, runShapeOf, summarizeClients } from './client-summary.js'
import { findingOf, type RunReport } from './run-report.js'

const cell = (value: string): string => value.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** What each finding reads as in the table. */
const FINDING_TEXT = {
  'accepted-attack': '**false accept**',
  'rejected-control': '**false reject**',
  'accepted-undetectable': 'accepted (no check catches it)',
  'not-exercised': 'not exercised',
  error: '**error**',
  ok: 'ok',
} as const

/**
 * A pull-request comment: the gate's verdict (the same function as the exit
 * code, server/report/ci-gate.ts), the run's shape in scenario × client units,
 * one line per client (grade, false accepts/rejects, not exercised), then the
 * table with the gate's failures first.
 */
export function formatMarkdownReport(report: RunReport): string {
  const { run, results } = report
  const policy = gatePolicyOf(run.options)
  const verdict = gateVerdict(results, policy)
  const failing = new Set(verdict.failures)
  const accepted = results.filter((r) => findingOf(r) === 'accepted-attack')
  const rejectedControls = results.filter((r) => findingOf(r) === 'rejected-control')
  const summaries = summarizeClients(results, clientVersionsOf(run.options), clientIdsOf(run.options))
  const lines = [
    `### mitmlab run \`${run.id}\` — ${verdict.isPassed ? 'passed' : 'failed'}`,
    '',
    `${verdict.summary}.`,
    '',
    `${describeRunShape(runShapeOf(results))}: ${results.filter((r) => r.kind === 'attack' && r.verdict === 'reject' && r.error === null).length} attacks caught, ` +
      `**${accepted.length} attacks accepted** that a check catches, ${rejectedControls.length} controls rejected, ` +
      `${results.filter((r) => findingOf(r) === 'not-exercised').length} not exercised, ` +
      `${results.filter((r) => r.leaked).length} credential leaks, ${results.filter((r) => !r.asExpected).length} unexpected.`,
    '',
    '| client | version | judged | grade | false accepts | false rejects | not exercised | unmapped |',
    '|---|---|---|---|---|---|---|---|',
    ...summaries.map(
      (s) =>
        `| ${[s.clientId, s.version ?? '—', isJudged(policy, s.clientId) ? 'yes' : 'no', `**${s.grade.grade ?? '—'}** ${s.grade.reason}`, `${s.falseAccepts}/${s.attacks}`, `${s.falseRejects}/${s.controls}`, String(s.notExercised), String(s.unmapped)].map(cell).join(' | ')} |`,
    ),
    '',
    '| scenario | client | expected | caught by | verdict | leaked | finding | as expected |',
    '|---|---|---|---|---|---|---|---|',
    ...[...results]
      .sort((a, b) => rank(failing, a) - rank(failing, b) || a.ordinal - b.ordinal)
      .map((r) =>
        [
          `\`${r.scenarioId}\``,
          r.clientId,
          r.expected.step ?? `(${r.expected.verdict})`,
          r.catchingStep === null ? '—' : `${r.catchingStep} \`${r.code ?? ''}\``,
          r.verdict,
          r.leaked ? '**yes**' : 'no',
          `${FINDING_TEXT[findingOf(r)]}${failing.has(r) ? ' (fails the gate)' : ''}`,
          r.asExpected ? '✓' : '✗',
        ]
          .map(cell)
          .join(' | '),
      )
      .map((row) => `| ${row} |`),
    '',
  ]
  return lines.join('\n')
}

function rank(failing: ReadonlySet<Parameters<typeof findingOf>[0]>, result: Parameters<typeof findingOf>[0]): number {
  if (failing.has(result)) return 0
  const finding = findingOf(result)
  return finding === 'accepted-attack' ? 1 : finding === 'rejected-control' ? 2 : finding === 'error' ? 3 : finding === 'accepted-undetectable' ? 4 : 5
}
