import type { LabPki } from '../../../ca/index.js'
import { findScenario } from '../../../scenarios/index.js'
import { runScenarioWithClients } from '../../../scenarios/runner.js'
import { LabBus } from '../../../server/bus/lab-bus.js'
import type { ClientDriver } from '../../../server/drivers/client-driver.js'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'

/**
 * Runs foundation scenarios (picked by id, so scenarios other engineers add
 * to the catalog cannot shift them) with the given drivers, each against the
 * same live servers as the lab's own verifier.
 */
export async function runWithClients(
  pki: LabPki,
  scenarioIds: readonly string[],
  drivers: readonly ClientDriver[],
  /** A browser start on a loaded machine can outlast the runner's default 20 s per scenario. */
  options: { scenarioTimeoutMs?: number } = {},
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = []
  for (const [ordinal, id] of scenarioIds.entries()) {
    const scenario = findScenario(id)
    if (scenario === undefined) throw new Error(`No scenario ${id}`)
    results.push(
      ...(await runScenarioWithClients({ pki, bus: new LabBus(), store: null, drivers, ...options }, scenario, {
        runId: 'clients-test',
        ordinal,
      })),
    )
  }
  return results
}

/** The one result for a scenario × client pair. */
export function resultOf(
  results: readonly ScenarioResult[],
  scenarioId: string,
  clientId: string,
): ScenarioResult {
  const result = results.find(
    (candidate) => candidate.scenarioId === scenarioId && candidate.clientId === clientId,
  )
  if (result === undefined) throw new Error(`No result for ${scenarioId} × ${clientId}`)
  return result
}

/** What a matrix cell is made of, for one assertion per pair. */
export function cellOf(result: ScenarioResult): {
  verdict: string
  step: string | null
  isMapped: boolean
  error: string | null
} {
  return {
    verdict: result.verdict,
    step: result.catchingStep,
    isMapped: result.external?.isMapped ?? false,
    error: result.error,
  }
}
