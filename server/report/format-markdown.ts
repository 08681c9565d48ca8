import { findingOf, type RunReport } from './run-report.js'

const cell = (value: string): string => value.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** A pull-request comment: the summary line and the scenario table, attacks that got through first. */
export function formatMarkdownReport(report: RunReport): string {
  const { run, results } = report
  const accepted = results.filter((r) => findingOf(r) === 'accepted-attack')
  const rejectedControls = results.filter((r) => findingOf(r) === 'rejected-control')
  const lines = [
    `### mitmlab run \`${run.id}\` — ${run.status}`,
    '',
    `${results.length} results: ${results.filter((r) => r.kind === 'attack' && r.verdict === 'reject' && r.error === null).length} attacks caught, ` +
      `**${accepted.length} attacks accepted**, ${rejectedControls.length} controls rejected, ` +
      `${results.filter((r) => r.leaked).length} credential leaks, ${results.filter((r) => !r.asExpected).length} unexpected.`,
    '',
    '| scenario | client | expected | caught by | verdict | leaked | as expected |',
    '|---|---|---|---|---|---|---|',
    ...[...results]
      .sort((a, b) => rank(a) - rank(b) || a.ordinal - b.ordinal)
      .map((r) =>
        [
          `\`${r.scenarioId}\``,
          r.clientId,
          r.expected.step ?? `(${r.expected.verdict})`,
          r.catchingStep === null ? '—' : `${r.catchingStep} \`${r.code ?? ''}\``,
          r.verdict,
          r.leaked ? '**yes**' : 'no',
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

function rank(result: Parameters<typeof findingOf>[0]): number {
  const finding = findingOf(result)
  return finding === 'accepted-attack' ? 0 : finding === 'rejected-control' ? 1 : finding === 'error' ? 2 : 3
}
