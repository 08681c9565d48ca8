import type { Command } from 'commander'
import { requireSoundCatalog, scenarios } from '../../scenarios/index.js'
import { formatTable } from './format-table.js'

export function registerListCommand(program: Command): void {
  program
    .command('list')
    .description('List the scenarios with the step expected to catch each')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      // A broken catalog file is named (exit 2), never left out of the list without a word.
      requireSoundCatalog()
      if (options.json === true) {
        const plain = scenarios.map(({ id, title, kind, tags, expect, references }) => ({ id, title, kind, tags, expect, references }))
        process.stdout.write(`${JSON.stringify(plain, null, 2)}\n`)
        return
      }
      const rows = scenarios.map((s) => [s.id, s.kind, s.expect.step ?? `(${s.expect.verdict})`, s.title])
      process.stdout.write(`${formatTable(['scenario', 'kind', 'caught by', 'title'], rows)}\n${scenarios.length} scenarios\n`)
    })
}
