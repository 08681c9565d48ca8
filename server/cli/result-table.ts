import type { ScenarioResult } from '../lab/scenario-result.js'
import { formatTable } from './format-table.js'

/** The run table the issue asks for: expected vs actual catching step, both verdicts, leaks. */
export function formatResultTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((result) => [
    result.scenarioId,
    result.kind,
    result.expected.step ?? `(${result.expected.verdict})`,
    result.catchingStep === null ? '-' : `${result.catchingStep} ${result.code ?? ''}`.trim(),
    result.verdict,
    result.node.authorized ? 'accept' : `reject${result.node.error === null ? '' : ` (${result.node.error})`}`,
    result.leaked ? 'LEAKED' : 'no',
    result.asExpected ? 'ok' : 'UNEXPECTED',
  ])
  return formatTable(['scenario', 'kind', 'expected', 'caught by', 'client', "node's verdict", 'leaked?', 'result'], rows)
}
