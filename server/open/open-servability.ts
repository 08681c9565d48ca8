import type { Scenario, ScenarioContext } from '../../scenarios/define-scenario.js'
import { victimPolicy } from '../../scenarios/stage-scenario.js'

/**
 * Why a scenario cannot be put at `<id>.bank.lab` at all, before anything is
 * staged; null when it can be tried (the lab's own verifier then checks it
 * there, stage-open-lab.ts).
 */
export function unservableReason(scenario: Scenario): string | null {
  if (scenario.host === undefined) return null
  // The catalog's name family sets `host` exactly when the attack is the name itself (compile-scenario.ts).
  return `the attack is about the exact name the victim asks for (${scenario.host}): at a sub-name of bank.lab it would be another test`
}

/** How a visiting browser meets a served scenario. */
export type BrowserReach =
  /** The self-test page probes it over https://. */
  | { kind: 'https-probe' }
  /** The scenario needs something a visiting browser does not bring. */
  | { kind: 'needs-lab-client'; reason: string }

/**
 * Mirrors the scenario × client model (runner.ts, judge-result.ts): what the
 * lab's victim is configured with (pins, CT enforcement) is not given to a
 * visiting browser either, an attacker counting connections cannot be shared
 * by visitors, and a first plain-HTTP visit to the bare name is something a
 * page's script cannot type.
 */
export function browserReach(scenario: Scenario, context: ScenarioContext): BrowserReach {
  const policy = victimPolicy(context, scenario)
  if ((policy.pins ?? []).length > 0) {
    return { kind: 'needs-lab-client', reason: 'the victim is configured with SPKI pins for the bank, which a visiting browser is not given' }
  }
  if (policy.ct !== undefined) {
    return { kind: 'needs-lab-client', reason: "the victim enforces Certificate Transparency against the lab's own logs, which a browser does not know" }
  }
  if ((policy.connections ?? 1) > 1 || scenario.tags.includes('probabilistic')) {
    return { kind: 'needs-lab-client', reason: 'the attacker intercepts only some connections and counts them: one count cannot be shared by every visitor' }
  }
  if (policy.startUrl?.startsWith('http:') === true) {
    return {
      kind: 'needs-lab-client',
      reason: 'the attack is on a first plain-HTTP visit to the bare name (typed by a person, with its HSTS state): a probe from a page cannot type a name',
    }
  }
  if (policy.explicitProxy === true) {
    return { kind: 'needs-lab-client', reason: 'the victim is configured to use the attacker as its explicit proxy; a visitor already uses the lab as its proxy' }
  }
  return { kind: 'https-probe' }
}
