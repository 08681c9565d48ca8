import { join } from 'node:path'
import type { Command } from 'commander'
import { loadOrCreateLabPki } from '../../ca/index.js'
import { findScenario, requireSoundCatalog, scenarios as allScenarios, type Scenario } from '../../scenarios/index.js'
import { DEFAULT_BIND_HOST, resolveDataDir, storeFile } from '../config.js'
import { ConfigError, ScenarioError } from '../errors.js'
import { checkOpenLabExposure, startOpenLab, type OpenLab } from '../open/open-lab.js'
import { LabStore } from '../store/lab-store.js'

interface OpenCommandOptions {
  host: string
  port: string
  token?: string
  dnsPort?: string
  scenarios?: string[]
  dataDir?: string
  store: boolean
}

export function registerOpenCommand(program: Command): void {
  program
    .command('open')
    .description('The open lab: every scenario live at <id>.bank.lab for any client (your browser, a phone, an app), with a self-test page')
    .option('--host <host>', 'address to listen on; anything but loopback requires --token', DEFAULT_BIND_HOST)
    .option('-p, --port <port>', 'the entry port: HTTP proxy (CONNECT), /proxy.pac and SNI-routed TLS (0: any free port)', '0')
    .option('--token <token>', 'access token (16+ characters), required off loopback; default $MITMLAB_TOKEN')
    .option('--dns-port <port>', 'also answer DNS (UDP) on this port: A records for lab names only, REFUSED for anything else')
    .option('--scenarios <id...>', 'serve only these scenarios (default: every one that can be served)')
    .option('--data-dir <dir>', 'PKI and SQLite location (default: $MITMLAB_DATA_DIR or ./data)')
    .option('--no-store', 'judge visits without recording them')
    .action(async (options: OpenCommandOptions) => {
      await openCommand(options)
    })
}

function parsePort(flag: string, value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65_535) throw new ConfigError('CONFIG_INVALID', `${flag} must be 0-65535, not ${value}`)
  return port
}

function selectScenarios(ids: readonly string[] | undefined): readonly Scenario[] {
  if (ids === undefined || ids.length === 0) return allScenarios
  return ids.map((id) => {
    const scenario = findScenario(id)
    if (scenario === undefined) throw new ScenarioError('SCENARIO_NOT_FOUND', `--scenarios: no scenario "${id}"; \`mitmlab list\` shows the ${allScenarios.length} there are`)
    return scenario
  })
}

/** Serves until SIGINT/SIGTERM. */
export async function openCommand(options: OpenCommandOptions): Promise<void> {
  const port = parsePort('--port', options.port)
  const dnsPort = options.dnsPort === undefined ? null : parsePort('--dns-port', options.dnsPort)
  // An empty MITMLAB_TOKEN is no token (a shell's `MITMLAB_TOKEN= mitmlab open`).
  const fromEnv = process.env['MITMLAB_TOKEN']
  const token = options.token ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv)
  // Refused before a minute of staging: the flags alone decide.
  checkOpenLabExposure(options.host, token)
  requireSoundCatalog()
  const scenarios = selectScenarios(options.scenarios)
  const dataDir = resolveDataDir(options.dataDir)
  const pki = loadOrCreateLabPki(dataDir)
  const store = options.store ? new LabStore(storeFile(dataDir)) : null
  process.stderr.write(`Staging ${scenarios.length} scenarios at <id>.bank.lab…\n`)
  const startedAt = Date.now()
  const lab = await startOpenLab({
    pki,
    scenarios,
    host: options.host,
    port,
    store,
    ...(token === undefined ? {} : { token }),
    onVisit: (report) =>
      process.stdout.write(
        `visit ${report.token} (${report.clientId}): ${report.results.length} probes, grade ${report.summary?.grade.grade ?? '-'}, run ${report.runId}\n`,
      ),
  })
  const dns = dnsPort === null ? null : await startDns(lab, options.host, dnsPort)
  process.stdout.write(describeOpenLab(lab, Date.now() - startedAt, dns, store?.file ?? null, pki.dir))
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await dns?.close()
  await lab.close()
  store?.close()
}

async function startDns(lab: OpenLab, host: string, port: number): Promise<{ port: number; close(): Promise<void> }> {
  const { startDnsResponder } = await import('../open/dns-responder.js')
  return startDnsResponder({ host, port, answer: lab.advertised, isServed: (name) => lab.isServedName(name) })
}

export function describeOpenLab(lab: OpenLab, stagedMs: number, dns: { port: number } | null, storeFile: string | null, pkiDir: string): string {
  const probed = lab.served.filter((open) => open.reach.kind === 'https-probe').length
  const proxy = `${lab.advertised.includes(':') ? `[${lab.advertised}]` : lab.advertised}:${lab.entry.port}`
  return [
    `mitmlab open: ${lab.served.length} scenarios live at <id>.bank.lab (${probed} a browser can exercise), ${lab.notServed.length} not served; staged in ${(stagedMs / 1000).toFixed(1)} s`,
    '',
    `  explicit proxy    http://${proxy}   (CONNECT for https, absolute URIs for http; lab names only)`,
    `  PAC file          ${lab.pacUrl}`,
    `  SNI-routed TLS    ${proxy}   e.g. curl --connect-to ::${proxy} https://expired-leaf.bank.lab/`,
    ...(dns === null ? [] : [`  DNS (UDP)         ${lab.advertised}:${dns.port}   A records for lab names only`]),
    `  self-test         ${lab.selfTestUrl}   (http://bank.lab/selftest for the plain-HTTP page)`,
    '',
    `Install this root, ${join(pkiDir, 'trustedRoot.cert.pem')} (name-constrained to .lab, .test, localhost and loopback; see README "The open lab"):`,
    '',
    lab.rootPem.trim(),
    '',
    `To play a laptop with a corporate inspection CA installed, also install ${join(pkiDir, 'interceptionCa.cert.pem')}.`,
    '',
    ...lab.notServed.map((entry) => `  not served: ${entry.scenario.id}: ${entry.reason}`),
    '',
    storeFile === null ? 'Visits are not recorded (--no-store).' : `Visits are recorded in ${storeFile} (mitmlab report RUN, mitmlab serve).`,
    'Ctrl-C to stop.',
    '',
  ].join('\n')
}
