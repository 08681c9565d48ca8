import type { StepId } from '../steps/step-ids.js'
import type { DriverOutcome } from './client-driver.js'
import { lastLines } from './run-process.js'

/** One row of a client's table: a pattern of its own words, and the step they name. */
export interface ErrorRow {
  pattern: RegExp
  step: StepId
}

/** Rows are tried in order: specific ones first (“self-signed certificate in certificate chain” before “self-signed certificate”). */
export type ErrorTable = readonly ErrorRow[]

/** The step a raw error names, or null: an error no row matches is kept verbatim, never guessed. */
export function mapError(table: ErrorTable, rawError: string): StepId | null {
  return table.find((row) => row.pattern.test(rawError))?.step ?? null
}

/** The client completed the login request: an HTTP status came back through whatever it trusted. */
export function acceptedOutcome(output: string, exitCode: number | null): DriverOutcome {
  return {
    verdict: 'accept',
    rawError: null,
    exitCode,
    step: null,
    isMapped: false,
    output: lastLines(output),
  }
}

/** The client gave up before an HTTP status: its words, mapped through its own table. */
export function rejectedOutcome(
  table: ErrorTable,
  rawError: string,
  exitCode: number | null,
  output: string,
): DriverOutcome {
  const step = mapError(table, rawError)
  return { verdict: 'reject', rawError, exitCode, step, isMapped: step !== null, output: lastLines(output) }
}

/** The login the clients post, as the bank's form encodes it (application/x-www-form-urlencoded). */
export function loginForm(credentials: { username: string; password: string }): string {
  return new URLSearchParams({ username: credentials.username, password: credentials.password }).toString()
}
