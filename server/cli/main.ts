import { Command } from 'commander'
import { isLabError } from '../errors.js'
import { registerLimboCommand } from './limbo-command.js'
import { registerCaptureCommand } from './capture-command.js'
import { registerDiffCommand } from './diff-command.js'
import { registerListCommand } from './list-command.js'
import { registerGenuineCommand } from './genuine-command.js'
import { registerClientCommand } from './client-command.js'
import { registerProxyCommand } from './proxy-command.js'
import { registerReportCommand } from './report-command.js'
import { registerRunCommand } from './run-command.js'
import { registerScenariosCommand } from './scenarios-command.js'
import { registerServeCommand } from './serve-command.js'
import { registerTrainCommand } from './train-command.js'

/** The composition root of the `mitmlab` command: one line per command. */
export function buildProgram(): Command {
  const program = new Command('mitmlab')
    .description('A man-in-the-middle interception and detection lab')
    .showHelpAfterError()
  registerRunCommand(program)
  registerListCommand(program)
  registerGenuineCommand(program)
  registerClientCommand(program)
  registerProxyCommand(program)
  registerServeCommand(program)
  registerLimboCommand(program)
  registerReportCommand(program)
  registerDiffCommand(program)
  registerCaptureCommand(program)
  registerTrainCommand(program)
  registerScenariosCommand(program)
  return program
}

try {
  await buildProgram().parseAsync(process.argv)
} catch (error) {
  if (isLabError(error)) {
    process.stderr.write(`mitmlab: ${error.message} [${error.code}]\n`)
    process.exitCode = 2
  } else {
    throw error
  }
}
