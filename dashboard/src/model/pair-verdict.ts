import type { ResultDto, ScenarioDto } from '@contract'

/**
 * How one (scenario, client) pair reads at a glance, badssl-dashboard style:
 * the two wrong answers (an accepted attack, a refused control) stand out; a
 * client that never met the attack is not judged on it.
 *
 * - caught: an attack the client refused;
 * - accepted-attack: an attack the lab expects a careful client to refuse, accepted (a false accept);
 * - unstoppable: an attack accepted where the lab expects every client to accept (nothing can catch it);
 * - accepted: a control accepted;
 * - refused-control: a control refused (a false reject);
 * - not-exercised: the client never met the attack (e.g. it went straight to https:// in an sslstrip scenario);
 * - error: the pair could not be run;
 * - running / waiting: no result yet.
 */
export type PairVerdict = 'caught' | 'accepted-attack' | 'unstoppable' | 'accepted' | 'refused-control' | 'not-exercised' | 'error' | 'running' | 'waiting'

export const PAIR_VERDICT_WORDS: Record<PairVerdict, string> = {
  caught: 'caught',
  'accepted-attack': 'ACCEPTED',
  unstoppable: 'accepted (nothing catches it)',
  accepted: 'accepted',
  'refused-control': 'REFUSED',
  'not-exercised': 'not exercised',
  error: 'error',
  running: 'running…',
  waiting: 'waiting',
}

/** The two answers a client author must never see. */
export function isWrongAnswer(verdict: PairVerdict): boolean {
  return verdict === 'accepted-attack' || verdict === 'refused-control'
}

export function pairVerdict(scenario: ScenarioDto, result: ResultDto | null, isRunning: boolean): PairVerdict {
  if (result === null) return isRunning ? 'running' : 'waiting'
  if (result.error !== null) return 'error'
  if (!isExercised(scenario, result)) return 'not-exercised'
  if (result.kind === 'control') return result.verdict === 'accept' ? 'accepted' : 'refused-control'
  if (result.verdict === 'reject') return 'caught'
  return result.expected.verdict === 'accept' ? 'unstoppable' : 'accepted-attack'
}

/**
 * Whether the client met the attack at all. The server says so when it knows
 * (`exercised` on the result); otherwise, for the http-first family (the
 * scenario is tagged `http`: sslstrip and HSTS), a real client whose every
 * connection was relayed as ciphertext, with no plaintext request read and no
 * http:// visit of its own, went straight to https:// and never saw the
 * stripped page.
 */
export function isExercised(scenario: ScenarioDto, result: ResultDto): boolean {
  const declared = (result as ResultDto & { exercised?: unknown }).exercised
  if (typeof declared === 'boolean') return declared
  if (!scenario.tags.includes('http') || scenario.kind === 'control') return true
  if (result.client?.navigation !== undefined) return true
  const sawPlaintext = result.connections.some((c) => c.mode !== 'passthrough' || c.plaintext.requests.length > 0)
  return sawPlaintext
}
