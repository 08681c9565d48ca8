import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { loadOrCreateLabPki } from '../../ca/index.js'
import { findScenario, requireSoundCatalog, scenarios as allScenarios, type Scenario } from '../../scenarios/index.js'
import { defaultJobs, runScenarios } from '../../scenarios/runner.js'
import { loadScenarioFilesOrThrow } from '../../scenarios/scenario-file/load-scenario-files.js'
import { LabBus } from '../bus/lab-bus.js'
import { resolveDataDir, storeFile } from '../config.js'
import { ConfigError, ScenarioError } from '../errors.js'
import type { RunReport, ScenarioInfo } from '../report/run-report.js'
import { FAIL_ON, gatePolicyFor, gateVerdict, LAB_CLIENT_NAMES, type FailOn } from '../report/ci-gate.js'
import { describeRunShape, runShapeOf } from '../report/client-summary.js'
import { REPORT_FORMATS, type ReportFormat } from '../report/report-formats.js'
import { parseCertificate, summarizeCertificate } from '../x509/index.js'
import type { LabPki } from '../../ca/index.js'
import { LabStore } from '../store/lab-store.js'
import { recordLogsToStore } from '../addons/record-logs-to-store.js'
import { recordRunViews } from '../addons/record-run-views.js'
import { printProgress } from '../addons/print-progress.js'
import { formatResultTable } from './result-table.js'
import { wrapText } from './wrap-text.js'
import { writeKeyLog } from '../report/export-capture.js'
import { startLoopbackCapture } from '../report/loopback-capture.js'
import { startDashboardServer, type DashboardServer } from '../api/dashboard-server.js'
import { ensureDashboardBuild } from '../api/ensure-dashboard-build.js'
import { DEFAULT_DASHBOARD_PORT } from './serve-command.js'
import { selectClients } from '../drivers/driver-registry.js'
import { formatClientCounts, formatClientMatrix } from '../drivers/client-matrix.js'

interface RunCommandOptions {
  scenario?: string[]
  scenarioFile?: string[]
  json?: string
  dataDir?: string
  store: boolean
  quiet?: boolean
  failOn: string
  report?: string[]
  clients?: string | boolean
  client?: string[]
  serve?: boolean
  port?: string
  pcap?: string
  wide?: boolean
  jobs?: string
}


export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Run attack scenarios end to end and print which step caught each one')
    .option('-s, --scenario <id...>', 'run only these scenarios (default: all)')
    .option('--scenario-file <file...>', 'run the scenarios of these YAML/JSON files (with -s: as well)')
    .option('--json <file>', 'also write the machine-readable result to FILE')
    .option('--data-dir <dir>', 'PKI and SQLite location (default: $MITMLAB_DATA_DIR or ./data)')
    .option('--no-store', 'do not record the run in SQLite')
    .option('-q, --quiet', 'no per-scenario progress lines')
    .option('--fail-on <policy>', `exit 1 on: ${FAIL_ON.join(' | ')} (accepted-attack judges the clients you name, not the lab's verifier unless --clients names lab)`, 'unexpected')
    .option('--report <format:file...>', 'also write reports, e.g. junit:results.xml html:report.html md:summary.md')
    .option('--clients [list]', 'also run real clients: all | default | comma list of node-https,node-insecure,curl,openssl,python-urllib,python-requests,wget,chromium,go,java,gnutls-cli,botan (alone: the default set, all but chromium, java, botan and node-insecure); add lab to have --fail-on accepted-attack judge the lab\'s own verifier too')
    .option('--client <command>', "also run your own client (repeatable); placeholders {url} {host} {port} {server_name} {ca_file} {proxy}; exit 0 = accepted", (command: string, previous: string[] = []) => [...previous, command])
    .option('--pcap <file>', 'capture the loopback traffic of the run (dumpcap) to FILE and its TLS secrets to FILE.keylog, for Wireshark')
    .option('--serve', 'serve the live dashboard on 127.0.0.1 during the run, and keep serving after it until Ctrl-C')
    .option('--port <port>', 'dashboard port with --serve', String(DEFAULT_DASHBOARD_PORT))
    .option('--wide', 'print every table cell in full (default: tables fit 100 columns)')
    .option('--jobs <n>', `scenarios run at once, each on its own servers (default: the number of cores, ${defaultJobs()} here); results are recorded and printed in catalog order`)
    .action(async (options: RunCommandOptions) => {
      process.exitCode = await runCommand(options)
    })
}

/** Exit 0 only when every scenario behaved as expected. */
export async function runCommand(options: RunCommandOptions): Promise<number> {
  if (!(FAIL_ON as readonly string[]).includes(options.failOn)) {
    throw new ConfigError('CONFIG_INVALID', `--fail-on must be one of ${FAIL_ON.join(', ')}, not "${options.failOn}"`)
  }
  if (options.serve === true && !options.store) throw new ConfigError('CONFIG_INVALID', '--serve shows runs from the store: it cannot go with --no-store')
  const reports = parseReportTargets(options.report ?? [])
  const jobs = parseJobs(options.jobs)
  // A broken catalog file stops the run, named, rather than its scenarios silently not running.
  requireSoundCatalog()
  const named = splitLabClient(options.clients)
  const clients = await selectClients(named.clients, options.client ?? [])
  for (const skipped of clients.skipped) process.stderr.write(`mitmlab: skipping client ${skipped.id}: ${skipped.reason}\n`)
  const started = Date.now()
  // Files load all-or-nothing before the PKI or the store is touched: a bad file changes nothing.
  const fromFiles = options.scenarioFile === undefined ? [] : loadScenarioFilesOrThrow(options.scenarioFile, options.scenario ?? [])
  const selected = fromFiles.length > 0 && (options.scenario ?? []).length === 0 ? fromFiles : [...selectScenarios(options.scenario), ...fromFiles]
  const dataDir = resolveDataDir(options.dataDir)
  const pki = loadOrCreateLabPki(dataDir)
  const store = options.store ? new LabStore(storeFile(dataDir)) : null
  const aborted = store?.markAbortedRuns() ?? []
  if (aborted.length > 0) process.stderr.write(`Marked ${aborted.length} interrupted run(s) as aborted: ${aborted.join(', ')}\n`)
  const bus = new LabBus()
  if (store !== null) {
    bus.use(recordLogsToStore(store))
    bus.use(recordRunViews(store))
  }
  // One progress line per result: the lab's verifier and every client, for each scenario.
  if (options.quiet !== true) bus.use(printProgress(process.stderr, selected.length * (1 + clients.drivers.length)))
  const dashboard = store !== null && options.serve === true ? await startDashboardFor(store, bus, pki, options.port ?? String(DEFAULT_DASHBOARD_PORT)) : null
  const capture = options.pcap === undefined ? null : await startLoopbackCapture(options.pcap)
  if (capture !== null && !capture.isRunning) process.stderr.write(`mitmlab: no packet capture: ${capture.reason}\n`)
  try {
    const clientIds = clients.drivers.map((driver) => driver.id)
    const gate = gatePolicyFor(options.failOn as FailOn, clientIds, named.isLabNamed)
    const runOptions = {
      scenarios: selected.map((s) => s.id),
      ...(clientIds.length > 0 ? { clients: clientIds, clientVersions: Object.fromEntries(clients.versions.map(({ id, version }) => [id, version])) } : {}),
      // Kept with the run so `mitmlab report RUN` judges it as this exit code did.
      gate,
    }
    const { run, results } = await runScenarios({ pki, bus, store, drivers: clients.drivers }, { scenarios: selected, trigger: 'cli', options: runOptions, jobs })
    if (capture?.isRunning === true) {
      await capture.stop()
      writeKeyLog(results, `${capture.file}.keylog`)
      process.stdout.write(`capture: wireshark -o tls.keylog_file:${capture.file}.keylog ${capture.file}\n`)
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    const wide = options.wide === true
    const width = wide ? Number.MAX_SAFE_INTEGER : 100
    process.stdout.write(`\n${formatResultTable(clientIds.length > 0 ? results.filter((r) => r.clientId === 'lab-verifier') : results, { wide })}\n\n`)
    if (clientIds.length > 0 || clients.skipped.length > 0) {
      const versions = Object.fromEntries(clients.versions.map(({ id, version }) => [id, version]))
      process.stdout.write(`${formatClientMatrix(results, { wide })}\n\n${formatClientCounts(results, versions, width)}\n\n`)
      const line = (text: string): string => `${wrapText(text, width, { firstIndent: '  ', indent: '    ' })}\n`
      for (const { id, version } of clients.versions) process.stdout.write(line(`${id}: ${version}`))
      for (const { id, reason } of clients.skipped) process.stdout.write(line(`${id}: skipped (${reason})`))
      process.stdout.write('\n')
    }
    const unexpected = results.filter((result) => !result.asExpected)
    for (const result of unexpected) {
      const who = result.clientId === 'lab-verifier' ? '' : ` [${result.clientId}]`
      process.stdout.write(`${wrapText(`${result.scenarioId}${who}: ${result.mismatches.join('; ')}`, width, { firstIndent: '  ', indent: '    ' })}\n`)
    }
    process.stdout.write(
      `${wrapText(
        `run ${run.id}: ${describeRunShape(runShapeOf(results))}, ` +
          `${unexpected.length} unexpected, ${results.filter((r) => r.leaked).length} leaked credentials, ${seconds} s` +
          (store === null ? '' : ` (stored in ${store.file})`),
        width,
        { indent: '  ' },
      )}\n`,
    )
    if (options.json !== undefined) writeFileSync(options.json, JSON.stringify({ run, results }, null, 2))
    if (reports.length > 0) {
      const report = { run, results, scenarios: scenarioInfo(selected), genuineChain: genuineChain(pki), generatedAt: new Date().toISOString() }
      for (const target of reports) writeFileSync(target.file, REPORT_FORMATS[target.format](report))
    }
    // The same verdict the Markdown and JUnit reports of this run state (server/report/ci-gate.ts).
    const verdict = gateVerdict(results, gate)
    process.stdout.write(`${wrapText(verdict.summary, width, { indent: '  ' })}\n`)
    const exitCode = verdict.isPassed ? 0 : 1
    if (dashboard !== null) {
      process.stdout.write(`run finished; the dashboard keeps serving at ${dashboard.url} (Ctrl-C to stop)\n`)
      await untilInterrupted()
    }
    return exitCode
  } finally {
    await dashboard?.close()
    store?.close()
  }
}

async function startDashboardFor(store: LabStore, bus: LabBus, pki: LabPki, portText: string): Promise<DashboardServer> {
  const port = Number(portText)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError('CONFIG_INVALID', `--port must be 0-65535, not ${portText}`)
  await ensureDashboardBuild((line) => process.stderr.write(`${line}\n`))
  const server = await startDashboardServer({ store, bus, pki, port })
  process.stdout.write(`mitmlab dashboard: ${server.url}\n`)
  return server
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
}

/**
 * `--clients lab,curl`: `lab` (or `lab-verifier`) is not a driver (the lab's
 * verifier always runs); naming it asks the accepted-attack gate to judge it too.
 */
function splitLabClient(clients: string | boolean | undefined): { clients: string | boolean | undefined; isLabNamed: boolean } {
  if (typeof clients !== 'string') return { clients, isLabNamed: false }
  const names = clients.split(',').map((name) => name.trim())
  const others = names.filter((name) => !(LAB_CLIENT_NAMES as readonly string[]).includes(name))
  if (others.length === names.length) return { clients, isLabNamed: false }
  return { clients: others.length === 0 ? undefined : others.join(','), isLabNamed: true }
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

/** `--jobs N`: a positive integer (a decimal number of scenarios, nothing else), or the number of cores. */
export function parseJobs(text: string | undefined): number {
  if (text === undefined) return defaultJobs()
  const jobs = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(jobs) || jobs < 1) {
    throw new ConfigError('CONFIG_INVALID', `--jobs must be a positive integer (scenarios run at once), not "${text}"`)
  }
  return jobs
}

function parseReportTargets(targets: string[]): { format: ReportFormat; file: string }[] {
  return targets.map((target) => {
    const colon = target.indexOf(':')
    const format = target.slice(0, colon)
    if (colon < 1 || !(format in REPORT_FORMATS) || colon === target.length - 1) {
      throw new ConfigError('CONFIG_INVALID', `--report takes FORMAT:FILE with FORMAT one of ${Object.keys(REPORT_FORMATS).join(', ')}, not "${target}"`)
    }
    return { format: format as ReportFormat, file: target.slice(colon + 1) }
  })
}

function scenarioInfo(selected: readonly Scenario[]): Record<string, ScenarioInfo> {
  return Object.fromEntries(
    selected.map((s) => [s.id, { id: s.id, title: s.title, explanation: s.explanation, references: s.references, tags: s.tags }]),
  )
}

function genuineChain(pki: LabPki): RunReport['genuineChain'] {
  return [pki.genuineLeaf.der, pki.trustedIntermediate.der].flatMap((der) => {
    const parsed = parseCertificate(der)
    return parsed.ok ? [summarizeCertificate(parsed.value)] : []
  })
}
