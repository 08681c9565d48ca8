import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { loadOrCreateLabPki } from '../../ca/index.js'
import { findScenario, scenarios as allScenarios, type Scenario } from '../../scenarios/index.js'
import { runScenarios } from '../../scenarios/runner.js'
import { LabBus } from '../bus/lab-bus.js'
import { resolveDataDir, storeFile } from '../config.js'
import { ScenarioError } from '../errors.js'
import { LabStore } from '../store/lab-store.js'
import { recordLogsToStore } from '../addons/record-logs-to-store.js'
import { printProgress } from '../addons/print-progress.js'
import { formatResultTable } from './result-table.js'

interface RunCommandOptions {
  scenario?: string[]
  json?: string
  dataDir?: string
  store: boolean
  quiet?: boolean
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Run attack scenarios end to end and print which step caught each one')
    .option('-s, --scenario <id...>', 'run only these scenarios (default: all)')
    .option('--json <file>', 'also write the machine-readable result to FILE')
    .option('--data-dir <dir>', 'PKI and SQLite location (default: $MITMLAB_DATA_DIR or ./data)')
    .option('--no-store', 'do not record the run in SQLite')
    .option('-q, --quiet', 'no per-scenario progress lines')
    .action(async (options: RunCommandOptions) => {
      process.exitCode = await runCommand(options)
    })
}

/** Exit 0 only when every scenario behaved as expected. */
export async function runCommand(options: RunCommandOptions): Promise<number> {
  const started = Date.now()
  const selected = selectScenarios(options.scenario)
  const dataDir = resolveDataDir(options.dataDir)
  const pki = loadOrCreateLabPki(dataDir)
  const store = options.store ? new LabStore(storeFile(dataDir)) : null
  const aborted = store?.markAbortedRuns() ?? []
  if (aborted.length > 0) process.stderr.write(`Marked ${aborted.length} interrupted run(s) as aborted: ${aborted.join(', ')}\n`)
  const bus = new LabBus()
  if (store !== null) bus.use(recordLogsToStore(store))
  if (options.quiet !== true) bus.use(printProgress(process.stderr, selected.length))
  try {
    const { run, results } = await runScenarios({ pki, bus, store }, { scenarios: selected, trigger: 'cli', options: { scenarios: selected.map((s) => s.id) } })
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    process.stdout.write(`\n${formatResultTable(results)}\n\n`)
    const unexpected = results.filter((result) => !result.asExpected)
    for (const result of unexpected) process.stdout.write(`  ${result.scenarioId}: ${result.mismatches.join('; ')}\n`)
    process.stdout.write(
      `run ${run.id}: ${results.length} scenarios, ${results.length - unexpected.length} as expected, ` +
        `${unexpected.length} unexpected, ${results.filter((r) => r.leaked).length} leaked credentials, ${seconds} s` +
        (store === null ? '\n' : ` (stored in ${store.file})\n`),
    )
    if (options.json !== undefined) writeFileSync(options.json, JSON.stringify({ run, results }, null, 2))
    return unexpected.length === 0 ? 0 : 1
  } finally {
    store?.close()
  }
}

function selectScenarios(ids: string[] | undefined): readonly Scenario[] {
  if (ids === undefined || ids.length === 0) return allScenarios
  return ids.map((id) => {
    const scenario = findScenario(id)
    if (scenario === undefined) {
      throw new ScenarioError('SCENARIO_NOT_FOUND', `No scenario "${id}"; \`mitmlab list\` shows the ${allScenarios.length} there are`)
    }
    return scenario
  })
}
