import type { RunReport } from './run-report.js'

/** The full run, as stored, with the scenario descriptions: the machine-readable form. */
export function formatJsonReport(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`
}
