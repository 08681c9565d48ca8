import { ScenarioError } from '../../server/errors.js'
import type { FileScenario } from './compile-scenario.js'
import { loadScenarioFile } from './load-scenario-file.js'

/**
 * Loads the scenario files a command was given, all or nothing: any problem
 * in any file stops the command before it touches the PKI, the store or the
 * network, with every problem listed (file: field: message).
 */
export function loadScenarioFilesOrThrow(files: readonly string[]): FileScenario[] {
  const loaded = files.map(loadScenarioFile)
  const problems = loaded.flatMap((result) => (result.ok ? [] : result.problems))
  if (problems.length > 0) {
    throw new ScenarioError('SCENARIO_INVALID', `Invalid scenario file${problems.length > 1 ? 's' : ''}:\n  ${problems.join("\n  ")}`)
  }
  const scenarios = loaded.flatMap((result) => (result.ok ? result.scenarios : []))
  const ids = new Set<string>()
  for (const scenario of scenarios) {
    if (ids.has(scenario.id)) throw new ScenarioError('SCENARIO_INVALID', `${scenario.sourceFile ?? 'a scenario file'}: id: "${scenario.id}" appears in more than one file`)
    ids.add(scenario.id)
  }
  return scenarios
}
