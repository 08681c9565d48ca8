import { registryProblems, scenarios } from './index.js'
import { writeScenarioIndex } from './scenario-index.js'

/**
 * The build step that writes dist/scenario-index.json (scenarios/scenario-index.ts). A catalog with
 * problems gets no index, so `list` loads the registry and names the broken files (exit 2).
 */
if (registryProblems.length > 0) {
  process.stdout.write(`scenario index: not written, the catalog has ${registryProblems.length} problem(s)\n`)
} else {
  writeScenarioIndex(scenarios)
  process.stdout.write(`scenario index: ${scenarios.length} scenarios\n`)
}
