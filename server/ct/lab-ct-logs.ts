import { createCtLog, knownLog, type CtLog } from './ct-log.js'
import type { CtPolicy } from './check-ct.js'

/** The lab's CT world: two logs clients trust, and one the attacker runs. */
export interface LabCtLogs {
  trusted: [CtLog, CtLog]
  /** A log no client knows (mockttp derives such keys to fake SCTs). */
  attacker: CtLog
}

let shared: LabCtLogs | undefined

/**
 * The lab's logs, one set per process. Forging (in the proxy's forge
 * function) and checking (in the client) happen in the same process, so a
 * fresh set per process is enough; keys are EC P-256 (under 1 ms each).
 */
export function labCtLogs(): LabCtLogs {
  shared ??= {
    trusted: [createCtLog('mitmlab Argon log'), createCtLog('mitmlab Xenon log')],
    attacker: createCtLog('Evil Attacker log'),
  }
  return shared
}

/** A CT-enforcing client's policy: the lab's trusted logs, one valid SCT required. */
export function labCtPolicy(minValidScts = 1): CtPolicy {
  return { logs: labCtLogs().trusted.map(knownLog), minValidScts }
}
