import type { StepId } from '../steps/step-ids.js'

/** Where a real client is pointed: as if DNS for bank.lab were hijacked to the attacker. */
export interface DriverTarget {
  /** The name the victim asks for ('bank.lab'). */
  host: string
  /** Where bank.lab really resolves to in this scenario: the proxy, or the genuine server. */
  connectTo: { host: string; port: number }
  /** A CONNECT proxy that tunnels any bank.lab:443 connection to connectTo, for clients with no resolve option. */
  tunnel: { host: string; port: number }
  /** PEM file of exactly the roots the victim trusts. */
  caFile: string
  /** The login the client posts when it accepts. */
  credentials: { username: string; password: string }
  timeoutMs: number
}

/** What a real client did, in its own words, and which step that maps to. */
export interface DriverOutcome {
  verdict: 'accept' | 'reject'
  /** The client's own error (exit code + message), verbatim; null when it accepted. */
  rawError: string | null
  exitCode: number | null
  /** The verification step the raw error maps to through the client's table; null when accepted or unmapped. */
  step: StepId | null
  /** False when the raw error matched no row of the client's table: kept verbatim, never guessed. */
  isMapped: boolean
  /** The last lines the client printed, for the reader. */
  output: string
}

export type DriverAvailability = { isAvailable: true; version: string } | { isAvailable: false; reason: string }

/** A real TLS client the lab can point at every scenario. */
export interface ClientDriver {
  id: string
  title: string
  availability(): Promise<DriverAvailability>
  run(target: DriverTarget): Promise<DriverOutcome>
}
