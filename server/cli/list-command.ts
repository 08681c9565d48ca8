import type { Command } from 'commander'
import { listedScenario, readScenarioIndex, type ListedScenario } from '../../scenarios/scenario-index.js'
import { formatTable } from './format-table.js'

export function registerListCommand(program: Command): void {
  program
    .command('list')
    .description('List the scenarios with the step expected to catch each')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const scenarios = readScenarioIndex() ?? (await loadRegistry())
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(scenarios, null, 2)}\n`)
        return
      }
      const rows = scenarios.map((s) => [s.id, s.kind, s.expect.step ?? `(${s.expect.verdict})`, s.title])
      process.stdout.write(`${formatTable(['scenario', 'kind', 'caught by', 'title'], rows)}\n${scenarios.length} scenarios\n`)
    })
}

/** The registry itself: every scenario loaded (the build's index is absent or not this catalog's). */
async function loadRegistry(): Promise<ListedScenario[]> {
  const { requireSoundCatalog, scenarios } = await import('../../scenarios/index.js')
  // A broken catalog file is named (exit 2), never left out of the list without a word.
  requireSoundCatalog()
  return scenarios.map(listedScenario)
}
