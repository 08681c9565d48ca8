import type { Scenario } from '../../scenarios/define-scenario.js'
import { runScenario } from '../../scenarios/runner.js'
import { LabBus } from '../../server/bus/lab-bus.js'
import type { ScenarioResult } from '../../server/lab/scenario-result.js'
import type { StepResult } from '../../server/steps/step-result.js'
import { testPki } from '../support/lab-pki.js'

/** Runs one scenario live on 127.0.0.1 with the lab's victim, nothing persisted. */
export function playLive(scenario: Scenario): Promise<ScenarioResult> {
  return runScenario({ pki: testPki(), bus: new LabBus(), store: null }, scenario, { runId: 'test', ordinal: 0 })
}

/** The step that caught the attack, as the trace recorded it. */
export function catchingStepOf(result: ScenarioResult): StepResult | undefined {
  return result.steps.find((step) => step.step === result.catchingStep)
}

/** PROTO, HS, FIN and REC as `status code`, for whole-row comparisons. */
export function connectionRow(result: ScenarioResult): Record<string, string> {
  return Object.fromEntries(
    result.steps
      .filter((step) => ['PROTO', 'HS', 'FIN', 'REC'].includes(step.step))
      .map((step) => [step.step, step.status === 'fail' || step.status === 'skip' ? `${step.status} ${step.code ?? ''}` : step.status]),
  )
}
