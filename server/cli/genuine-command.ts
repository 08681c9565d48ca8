import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { chainPem, loadOrCreateLabPki } from '../../ca/index.js'
import { DEFAULT_BIND_HOST, resolveDataDir } from '../config.js'
import { ConfigError } from '../errors.js'
import { startGenuineServer } from '../genuine/genuine-server.js'

interface GenuineCommandOptions {
  host: string
  port: string
  dataDir?: string
  caCertOut?: string
}

/** The genuine server's usual port in the lab (the proxy takes 8443). */
export const DEFAULT_GENUINE_PORT = 8444

export function registerGenuineCommand(program: Command): void {
  program
    .command('genuine')
    .description('Run the genuine bank server on its own (the real origin, with the lab PKI\'s genuine chain)')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', String(DEFAULT_GENUINE_PORT))
    .option('--host <address>', 'address to bind', DEFAULT_BIND_HOST)
    .option('--data-dir <dir>', 'lab PKI location (default: $MITMLAB_DATA_DIR or ./data)')
    .option('--ca-cert-out <file>', 'write the lab trusted root (what clients of the genuine server trust) to FILE')
    .action(async (options: GenuineCommandOptions) => {
      await genuineCommand(options)
    })
}

/** Serves until SIGINT/SIGTERM; every hostile-peer incident is one line on stderr. */
export async function genuineCommand(options: GenuineCommandOptions): Promise<void> {
  const port = Number(options.port)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError('CONFIG_INVALID', `--port must be 0-65535, not ${options.port}`)
  const pki = loadOrCreateLabPki(resolveDataDir(options.dataDir))
  if (options.caCertOut !== undefined) writeFileSync(options.caCertOut, pki.trustedRoot.pem)
  const server = await startGenuineServer({
    certificateChainPem: chainPem(pki.genuineLeaf, pki.trustedIntermediate),
    privateKeyPem: pki.genuineLeaf.key.privateKeyPem,
    host: options.host,
    port,
    onIncident: (incident) =>
      process.stderr.write(`incident ${incident.type} from ${incident.remoteAddress ?? '?'}: ${incident.code ?? ''} ${incident.message}\n`),
  })
  process.stderr.write(`mitmlab genuine listening on ${server.host}:${server.port} (https, bank.lab)\n`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await server.close()
  process.stderr.write(`mitmlab genuine: served ${server.requests.length} requests; stopped\n`)
}
