import { findScenario, type Scenario } from '../../../scenarios/index.js'

/** Catalog scenarios by id (picked by id, so scenarios others add cannot shift a test). */
export function openScenarios(ids: readonly string[]): Scenario[] {
  return ids.map((id) => {
    const scenario = findScenario(id)
    if (scenario === undefined) throw new Error(`No scenario ${id}`)
    return scenario
  })
}
