import type { ScenarioResult } from '../lab/scenario-result.js'
import { formatTable } from './format-table.js'

export interface ResultTableOptions {
  /** Every cell in full (node's error text, failure codes): wider than 100 columns. Default: false. */
  wide?: boolean
  /** Default: 100 columns. */
  maxWidth?: number
}

/**
 * The run table the issue asks for: expected vs actual catching step, both
 * verdicts, leaks. It fits 100 columns: node's verdict gives up width first
 * (its error code cut with "…"), then a long scenario id goes on a line of its
 * own (ids are never cut), then "caught by" is cut; `--wide` shows everything.
 */
export function formatResultTable(results: readonly ScenarioResult[], options: ResultTableOptions = {}): string {
  const wide = options.wide === true
  const rows = results.map((result) => [
    result.scenarioId,
    result.kind,
    result.expected.step ?? `(${result.expected.verdict})`,
    result.catchingStep === null ? '-' : `${result.catchingStep} ${result.code ?? ''}`.trim(),
    result.verdict,
    nodeVerdict(result, wide),
    result.leaked ? 'LEAKED' : 'no',
    result.asExpected ? 'ok' : 'UNEXPECTED',
  ])
  const header = ['scenario', 'kind', 'expected', 'caught by', 'client', wide ? "node's verdict" : 'node says', wide ? 'leaked?' : 'leaked', 'result']
  return formatTable(header, rows, wide ? {} : { maxWidth: options.maxWidth ?? 100, shrink: [5, 0, 3], wrap: [0] })
}

/** Node's own verdict: in full with --wide; narrow, its error code alone (an error means it rejected). */
function nodeVerdict(result: ScenarioResult, wide: boolean): string {
  if (result.node.authorized) return 'accept'
  if (wide) return `reject${result.node.error === null ? '' : ` (${result.node.error})`}`
  return result.node.error ?? 'reject'
}
