import { Command } from 'commander'
import { isLabError } from '../errors.js'

type Register = (program: Command) => unknown

/**
 * Every command, by name, with the module that defines it. A command's
 * module is loaded only when that command runs (or for help, all of them):
 * `mitmlab proxy` then leaves the scenario catalog, the dashboard server and
 * Playwright unloaded. Measured: the proxy's heap is ~13 MB instead of
 * ~75 MB, and every major garbage collection walks the whole heap — during a
 * 256 MiB relay, Buffer churn triggers several.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  run: async () => (await import('./run-command.js')).registerRunCommand,
  list: async () => (await import('./list-command.js')).registerListCommand,
  runs: async () => (await import('./runs-command.js')).registerRunsCommand,
  genuine: async () => (await import('./genuine-command.js')).registerGenuineCommand,
  client: async () => (await import('./client-command.js')).registerClientCommand,
  proxy: async () => (await import('./proxy-command.js')).registerProxyCommand,
  serve: async () => (await import('./serve-command.js')).registerServeCommand,
  limbo: async () => (await import('./limbo-command.js')).registerLimboCommand,
  report: async () => (await import('./report-command.js')).registerReportCommand,
  diff: async () => (await import('./diff-command.js')).registerDiffCommand,
  capture: async () => (await import('./capture-command.js')).registerCaptureCommand,
  prune: async () => (await import('./prune-command.js')).registerPruneCommand,
  train: async () => (await import('./train-command.js')).registerTrainCommand,
  scenarios: async () => (await import('./scenarios-command.js')).registerScenariosCommand,
  'grade-proxy': async () => (await import('./grade-proxy-command.js')).registerGradeProxyCommand,
  open: async () => (await import('./open-command.js')).registerOpenCommand,
}

/** The composition root of the `mitmlab` command. `only`: the commands to load (default: all). */
export async function buildProgram(only: readonly string[] = Object.keys(COMMANDS)): Promise<Command> {
  const program = new Command('mitmlab')
    .description('A man-in-the-middle interception and detection lab')
    .showHelpAfterError()
  for (const name of only) await COMMANDS[name]?.()?.then((register) => register(program))
  return program
}

/** The command named on the command line, when it is one; otherwise all (help, a typo: commander answers). */
export function commandsFor(argv: readonly string[]): string[] {
  const name = argv[2]
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS)
}

try {
  await (await buildProgram(commandsFor(process.argv))).parseAsync(process.argv)
} catch (error) {
  if (isLabError(error)) {
    process.stderr.write(`mitmlab: ${error.message} [${error.code}]\n`)
    process.exitCode = 2
  } else {
    throw error
  }
}
