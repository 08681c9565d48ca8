import type { SecureVersion } from 'node:tls'
import type { IssuedCertificate, LabPki } from '../ca/index.js'
import type { ClientPolicy } from '../server/client/instrumented-client.js'
import { ScenarioError } from '../server/errors.js'
import type { ExpectedOutcome, GenuineRequest } from '../server/lab/scenario-result.js'
import type { ConnectionRecord } from '../server/proxy/connection-record.js'

/** The host the victim asks for, and the attacker impersonates. */
export const TARGET_HOST = 'bank.lab'

/** What an attack's forge function gets: the world's PKI and the moment of the attack. */
export interface ScenarioContext {
  pki: LabPki
  host: string
  now: Date
}

/** The chain the proxy serves, leaf first, and the leaf's key. */
export interface ForgedChain {
  served: IssuedCertificate[]
  /** One sentence for the trainee: what exactly was forged. */
  description: string
}

/** How the network path is arranged for a scenario. */
export type Topology =
  /** No attacker: the client reaches the genuine server (a control). */
  | { kind: 'direct' }
  /** The proxy terminates TLS with a forged chain and relays to the genuine server. */
  | {
      kind: 'intercept'
      forge: (context: ScenarioContext) => ForgedChain
      /** The proxy's own client-facing TLS policy (downgrade attacks). */
      clientFacingTls?: { minVersion?: SecureVersion; maxVersion?: SecureVersion; ciphers?: string }
    }
  /** The proxy relays TLS bytes without terminating (a control: it sees only ciphertext). */
  | { kind: 'passthrough' }
  /**
   * Anything else on the path (a tampering relay, a handshake engine, an sslstrip proxy): the
   * scenario starts it in front of the genuine server and says where the victim connects.
   */
  | { kind: 'custom'; start: (context: ScenarioContext, upstream: UpstreamEndpoint) => Promise<PathMiddlebox> }

/** The genuine server as a middlebox sees it. */
export interface UpstreamEndpoint {
  host: string
  port: number
  /** PEM of the root that issued the genuine chain. */
  caPem: string
}

/** A running middlebox started by a custom topology. */
export interface PathMiddlebox {
  /** Where the victim's TCP connection goes. */
  connectTo: { host: string; port: number }
  /** What it saw, per connection, read after the client is done. */
  records: () => ConnectionRecord[]
  /**
   * A middlebox that is the site itself (a control serving an unusual chain): the requests it answered,
   * in order. The open lab (server/open/) reads them to see whether a visitor's probe got through.
   */
  requests?: () => readonly GenuineRequest[]
  /** Resolves once every connection it holds has closed (or after the timeout). */
  whenIdle: (timeoutMs: number) => Promise<void>
  close: () => Promise<void>
}

export interface Scenario {
  /** kebab-case, unique. */
  id: string
  /** The name the victim asks for (a DNS name or an IP literal). Default: TARGET_HOST. */
  host?: string
  title: string
  /** For the trainee: what the attacker does, and the real incident it mirrors. */
  explanation: string
  /** RFC sections, incidents, prior art. */
  references: string[]
  tags: string[]
  /** attack: a correct client must refuse it (or nothing can); control: a correct client must accept it. */
  kind: 'attack' | 'control'
  topology: Topology
  /** Changes to the victim's default policy (pins, profile, legacy options). */
  clientPolicy?: (context: ScenarioContext) => Partial<ClientPolicy>
  expect: ExpectedOutcome
}

const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/**
 * Declares a scenario, checking what the type system cannot: a kebab-case id,
 * controls expected to be accepted, attacks that name their catching step.
 *
 * @example
 * export const expiredLeaf = defineScenario({ id: 'expired-leaf', kind: 'attack', expect: { verdict: 'reject', step: 'DATES' }, ... })
 */
export function defineScenario(scenario: Scenario): Scenario {
  const problem = scenarioProblem(scenario)
  if (problem !== null) throw new ScenarioError('SCENARIO_INVALID', `Scenario "${scenario.id}": ${problem}`)
  return scenario
}

function scenarioProblem(scenario: Scenario): string | null {
  if (!ID_PATTERN.test(scenario.id)) return 'id must be kebab-case (a-z, 0-9, single dashes)'
  if (scenario.title.trim() === '') return 'title is empty'
  if (scenario.explanation.trim() === '') return 'explanation is empty'
  if (scenario.kind === 'control' && scenario.expect.verdict !== 'accept') return 'a control must expect verdict "accept"'
  if (scenario.expect.verdict === 'reject' && scenario.expect.step === null) return 'a rejected attack must name its catching step'
  if (scenario.expect.verdict === 'accept' && scenario.expect.step !== null) return 'an accepted scenario has no catching step'
  return null
}
