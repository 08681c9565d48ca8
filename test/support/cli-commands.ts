/**
 * Writes `{ command: [--flags] }` for every command server/cli/main.ts
 * registers, read from its own commander program, to the file named by argv[2].
 * One process instead of one `--help` per command. Importing main.ts parses
 * process.argv, so it is pointed at a harmless command first.
 */
import { writeFileSync } from 'node:fs'

const out = process.argv[2]
if (out === undefined) throw new Error('usage: cli-commands.ts OUT_FILE')
process.argv = [process.argv[0] ?? 'node', 'mitmlab', 'list', '--json']
const { buildProgram } = await import('../../server/cli/main.js')
const commands = Object.fromEntries(
  (await buildProgram()).commands.map((command) => [command.name(), command.options.map((option) => option.long).filter((flag) => flag !== undefined)]),
)
writeFileSync(out, JSON.stringify(commands))
