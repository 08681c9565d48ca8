/**
 * Runs the scenarios named on the command line for real and prints their
 * ResultDtos as JSON. Specs under happy-dom run it as a child process: in the
 * happy-dom environment vitest rewrites `import.meta.url` to an http: URL, so
 * server code that reads files beside itself (the fingerprint catalog) cannot
 * run in the spec's own process.
 */
import { findScenario } from '../../../scenarios/index.js'
import { runScenario } from '../../../scenarios/runner.js'
import { toResultDto } from '../../../server/api/dto.js'
import { LabBus } from '../../../server/bus/lab-bus.js'
import { testPki } from '../../support/lab-pki.js'

const results = []
for (const [ordinal, id] of process.argv.slice(2).entries()) {
  const scenario = findScenario(id)
  if (scenario === undefined) throw new Error(`no scenario ${id}`)
  results.push(toResultDto(await runScenario({ pki: testPki(), bus: new LabBus(), store: null }, scenario, { runId: 'spec-live', ordinal })))
}
process.stdout.write(JSON.stringify(results))
