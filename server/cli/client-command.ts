import type { Command } from 'commander'
import { loadOrCreateLabPki } from '../../ca/index.js'
import { runInstrumentedClient } from '../client/instrumented-client.js'
import { resolveDataDir } from '../config.js'
import { ConfigError } from '../errors.js'
import { VICTIM_CREDENTIALS } from '../genuine/bank-site.js'
import { formatTable } from './format-table.js'

interface ClientCommandOptions {
  connect: string
  name: string
  dataDir?: string
  json?: boolean
}

export function registerClientCommand(program: Command): void {
  program
    .command('client')
    .description('Run the instrumented victim once against HOST:PORT (a proxy or the genuine server) and print its step trace')
    .requiredOption('--connect <host:port>', 'where the TCP connection goes, e.g. bank.lab:8443')
    .option('--name <host>', 'the name the victim asks for (SNI, Host, expected name)', 'bank.lab')
    .option('--data-dir <dir>', 'lab PKI location (default: $MITMLAB_DATA_DIR or ./data)')
    .option('--json', 'print the full client report as JSON')
    .action(async (options: ClientCommandOptions) => {
      process.exitCode = await clientCommand(options)
    })
}

/**
 * The victim as a standalone process: it trusts the lab root and, like a
 * corporate laptop, the installed interception CA, and logs in only if its
 * verifier accepts. Exit 0 when it ran (accept or reject), 2 on a lab error.
 */
export async function clientCommand(options: ClientCommandOptions): Promise<number> {
  const match = /^(.+):(\d{1,5})$/.exec(options.connect)
  if (match === null) throw new ConfigError('CONFIG_INVALID', `--connect must be HOST:PORT, not ${options.connect}`)
  const [, host = '', port = ''] = match
  const pki = loadOrCreateLabPki(resolveDataDir(options.dataDir))
  const report = await runInstrumentedClient({
    connectTo: { host: host.replace(/^\[|\]$/g, ''), port: Number(port) },
    expectedHost: options.name,
    policy: { trustAnchors: [pki.trustedRoot.der, pki.interceptionCa.der] },
    credentials: VICTIM_CREDENTIALS,
    clientId: 'mitmlab-client',
  })
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
    return 0
  }
  const rows = report.steps.map((step) => [step.step, step.status, step.code ?? '', step.message])
  process.stdout.write(`${formatTable(['step', 'status', 'code', 'message'], rows)}\n`)
  const caught = report.catchingStep === null ? 'no step caught it' : `caught by ${report.catchingStep} ${report.code ?? ''}`
  process.stdout.write(
    `verdict: ${report.verdict} (${caught}); Node: ${report.node.authorized ? 'accept' : `reject (${report.node.error ?? '?'})`}; ` +
      `login sent: ${report.http?.sentCredentials === true ? `yes, HTTP ${report.http.status ?? '?'}` : 'no'}\n`,
  )
  return 0
}
