import { ScenarioError } from '../../server/errors.js'
import { scenarioIdCollisions } from '../index.js'
import type { FileScenario } from './compile-scenario.js'
import { loadScenarioFile } from './load-scenario-file.js'

/**
 * Loads the scenario files a command was given, all or nothing: any problem
 * in any file stops the command before it touches the PKI, the store or the
 * network, with every problem listed (file: field: message). Ids follow the
 * same rule as `scenarios validate` (scenarioIdCollisions): not a built-in's,
 * not another file's, and not one also selected with `-s` (`alsoSelected`).
 */
export function loadScenarioFilesOrThrow(files: readonly string[], alsoSelected: readonly string[] = []): FileScenario[] {
  const loaded = files.map(loadScenarioFile)
  const problems = loaded.flatMap((result) => (result.ok ? [] : result.problems))
  const owners = new Map<string, string>()
  for (const result of loaded) {
    if (!result.ok) continue
    const ids = result.scenarios.map((scenario) => scenario.id)
    const collisions = scenarioIdCollisions(result.file, ids)
    problems.push(...collisions)
    for (const id of ids) {
      const owner = owners.get(id)
      if (owner !== undefined) problems.push(`${result.file}: id: "${id}" is already used by ${owner}`)
      else if (alsoSelected.includes(id) && !collisions.some((line) => line.includes(`"${id}"`))) {
        problems.push(`${result.file}: id: "${id}" is also selected with -s; name it once`)
      }
      owners.set(id, result.file)
    }
  }
  if (problems.length > 0) {
    throw new ScenarioError('SCENARIO_INVALID', `Invalid scenario file${problems.length > 1 ? 's' : ''}:\n  ${problems.join('\n  ')}`)
  }
  return loaded.flatMap((result) => (result.ok ? result.scenarios : []))
}
