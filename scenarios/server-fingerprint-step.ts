import { fingerprintStep } from '../server/fingerprint/fingerprint-step.js'
import type { GenuineRequest } from '../server/lab/scenario-result.js'
import { skipStep, type StepResult } from '../server/steps/step-result.js'

/**
 * The FP step for one client: what the genuine server concluded from the
 * ClientHello of the connection that carried this client's request. It is
 * the server's detection, so it never changes the client's own verdict: a
 * victim can leak its password and the bank can still notice.
 */
export function serverFingerprintStep(requests: readonly GenuineRequest[], clientId: string): StepResult {
  const judged = requests.filter((request) => request.fingerprint !== null)
  const request = judged.find((r) => r.client === clientId) ?? judged[0]
  if (request?.fingerprint == null) {
    return skipStep('FP', 'NO_REQUEST', 'No request reached the genuine server, so it had no ClientHello to judge')
  }
  return fingerprintStep(request.fingerprint.detection)
}

/** Replaces the FP entry of a trace (or appends it), keeping STEP_IDS order. */
export function withStep(steps: readonly StepResult[], replacement: StepResult): StepResult[] {
  return steps.some((step) => step.step === replacement.step)
    ? steps.map((step) => (step.step === replacement.step ? replacement : step))
    : [...steps, replacement]
}
