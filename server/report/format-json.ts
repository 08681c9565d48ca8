import { gatePolicyOf, gateVerdict } from './ci-gate.js'
import { clientIdsOf, clientVersionsOf, runShapeOf, summarizeClients } from './client-summary.js'
import type { RunReport } from './run-report.js'

/**
 * The full run, as stored, with the scenario descriptions: the machine-readable
 * form. Besides the stored run it states what the other formats say of it:
 * the (scenario, client) shape, each client's summary and grade, and the CI
 * gate's verdict (the failures by scenario and client).
 */
export function formatJsonReport(report: RunReport): string {
  const verdict = gateVerdict(report.results, gatePolicyOf(report.run.options))
  return `${JSON.stringify(
    {
      ...report,
      shape: runShapeOf(report.results),
      clients: summarizeClients(report.results, clientVersionsOf(report.run.options), clientIdsOf(report.run.options)),
      gate: {
        policy: verdict.policy,
        isPassed: verdict.isPassed,
        summary: verdict.summary,
        failures: verdict.failures.map((result) => ({ scenarioId: result.scenarioId, clientId: result.clientId })),
      },
    },
    null,
    2,
  )}\n`
}
