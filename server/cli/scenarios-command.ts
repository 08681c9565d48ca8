import type { Command } from 'commander'
import { catalogFiles } from '../../scenarios/catalog/index.js'
import { loadScenarioFile } from '../../scenarios/scenario-file/load-scenario-file.js'
import { scenarioIdCollisions } from '../../scenarios/index.js'

export function registerScenariosCommand(program: Command): void {
  const scenarios = program.command('scenarios').description('Work with declarative scenario files (YAML or JSON)')
  scenarios
    .command('validate')
    .description('Check scenario files against the schema and compile them; exit 1 if any is invalid')
    .argument('[file...]', 'scenario files (default: every file of the shipped catalog)')
    .action((files: string[]) => {
      process.exitCode = validateScenarioFiles(files.length > 0 ? files : catalogFiles(), process.stdout, process.stderr)
    })
}

/** One line per valid file on `out`, one line per problem on `err`; 0 when every file is valid. */
export function validateScenarioFiles(files: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  let invalid = 0
  for (const file of files) {
    const loaded = loadScenarioFile(file)
    const problems = loaded.ok ? scenarioIdCollisions(file, loaded.scenarios.map((s) => s.id)) : loaded.problems
    if (problems.length > 0 || !loaded.ok) {
      invalid += 1
      for (const problem of problems) err.write(`${problem}\n`)
      continue
    }
    const summary = loaded.scenarios.map((s) => `${s.id} (${s.expect.verdict}${s.expect.step === null ? '' : ` at ${s.expect.step}`})`)
    out.write(`ok ${file}: ${summary.join(', ')}\n`)
  }
  out.write(`${files.length - invalid} valid, ${invalid} invalid\n`)
  return invalid === 0 ? 0 : 1
}
