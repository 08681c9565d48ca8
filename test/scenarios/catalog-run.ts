import type { LabPki } from '../../ca/index.js'
import type { FileScenario } from '../../scenarios/scenario-file/compile-scenario.js'
import { runScenario } from '../../scenarios/runner.js'
import { LabBus } from '../../server/bus/lab-bus.js'
import type { ScenarioResult } from '../../server/lab/scenario-result.js'

/** The outcome a catalog test pins for one scenario, independently of what its file says. */
export interface PinnedOutcome {
  verdict: 'accept' | 'reject'
  step: string | null
  code: string | null
  leaked: boolean
}

export function runCatalogScenario(pki: LabPki, scenario: FileScenario, ordinal = 0): Promise<ScenarioResult> {
  return runScenario({ pki, bus: new LabBus(), store: null }, scenario, { runId: 'catalog-test', ordinal })
}

export function outcomeOf(result: ScenarioResult): PinnedOutcome {
  return { verdict: result.verdict, step: result.catchingStep, code: result.code, leaked: result.leaked }
}
