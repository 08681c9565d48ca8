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
  /**
   * Where the victim starts, when the scenario is about the first, plain-HTTP
   * visit (sslstrip, HSTS): `http://bank.lab/`. A driver that can type the
   * bare name does so, follows redirects and links to the sign-in form, and
   * posts the login wherever the form says. Absent: go straight to https://bank.lab/login.
   */
  startUrl?: string
  /** HSTS the victim already holds (RFC 6797 §12.3 preload list), for clients that keep an HSTS cache. */
  hsts?: { preloaded: string[] }
  /** How many times the victim visits startUrl, keeping its HSTS cache between visits. Default: 1. */
  visits?: number
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
  /**
   * True when the client started at the target's plain-HTTP startUrl, as a
   * person typing the bare name does. Absent or false in a scenario with a
   * startUrl: the client went straight to https:// and never met the attack.
   */
  visitedHttpFirst?: boolean
  /**
   * With visitedHttpFirst: the URL the client finally sent the login to, in
   * its own words (after any HSTS upgrade it made): https:// when it refused
   * the plain-HTTP route, http:// when the stripped form took it.
   */
  loginSentTo?: string
}

export type DriverAvailability = { isAvailable: true; version: string } | { isAvailable: false; reason: string }

/** A real TLS client the lab can point at every scenario. */
export interface ClientDriver {
  id: string
  title: string
  availability(): Promise<DriverAvailability>
  run(target: DriverTarget): Promise<DriverOutcome>
  /**
   * How many scenarios may run this client at once when the runner runs
   * several (`--jobs`). Default 1: one browser, JVM or curl at a time, the
   * others queue (outside their timeout) while other clients run; a light
   * client that scales may say more.
   */
  maxConcurrent?: number
  /**
   * Time the client needs before its first connection (a browser start), added
   * to the runner's per-scenario limit for this client. Default: 0.
   */
  startupBudgetMs?: number
}
