import type { ClientDriver, DriverOutcome, DriverTarget } from './client-driver.js'
import { acceptedOutcome, rejectedOutcome } from './error-table.js'
import { lastLines, runProcess } from './run-process.js'
import { loginUrl } from './target-url.js'

/**
 * What `--client 'CMD'` may refer to. {url} names bank.lab itself
 * (https://bank.lab/login): the command runs with https_proxy/HTTPS_PROXY set
 * to the CONNECT tunnel, so any client that honours them reaches the
 * scenario's server as if DNS were hijacked; clients that take an address use
 * {host} and {port} with {server_name}. Values are shell-quoted.
 */
export const CUSTOM_PLACEHOLDERS = [
  'url',
  'host',
  'port',
  'server_name',
  'ca_file',
  'proxy',
  'username',
  'password',
] as const

/** A user's own client: exit status 0 means it accepted (it completed its request); the output is kept. No table: its errors are its own. */
export function createCustomCommandDriver(command: string, id = 'custom'): ClientDriver {
  return {
    id,
    title: `custom command: ${command}`,
    availability: () => Promise.resolve({ isAvailable: true, version: command }),
    run: (target) => runCommand(command, target),
  }
}

export function expandPlaceholders(command: string, target: DriverTarget): string {
  const values: Record<(typeof CUSTOM_PLACEHOLDERS)[number], string> = {
    url: loginUrl(target),
    host: target.connectTo.host,
    port: String(target.connectTo.port),
    server_name: target.host,
    ca_file: target.caFile,
    proxy: proxyUrl(target),
    username: target.credentials.username,
    password: target.credentials.password,
  }
  return command.replace(/\{([a-z_]+)\}/g, (whole, name: string) =>
    name in values ? shellQuote(values[name as keyof typeof values]) : whole,
  )
}

async function runCommand(command: string, target: DriverTarget): Promise<DriverOutcome> {
  const proxy = proxyUrl(target)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    https_proxy: proxy,
    HTTPS_PROXY: proxy,
    MITMLAB_URL: loginUrl(target),
    MITMLAB_HOST: target.connectTo.host,
    MITMLAB_PORT: String(target.connectTo.port),
    MITMLAB_SERVER_NAME: target.host,
    MITMLAB_CA_FILE: target.caFile,
  }
  // An inherited exception list must not send bank.lab around the tunnel.
  delete env['no_proxy']
  delete env['NO_PROXY']
  const result = await runProcess({
    command: '/bin/sh',
    args: ['-c', expandPlaceholders(command, target)],
    env,
    timeoutMs: target.timeoutMs,
  })
  const output = `${result.stdout}\n${result.stderr}`
  if (result.exitCode === 0) return acceptedOutcome(output, 0)
  const why =
    result.spawnError ??
    (result.timedOut ? 'timed out' : lastLines(result.stderr || result.stdout, 2).replace(/\n/g, ' | '))
  return rejectedOutcome(
    [],
    `exit ${String(result.exitCode ?? result.signal)}: ${why}`,
    result.exitCode,
    output,
  )
}

function proxyUrl(target: DriverTarget): string {
  return `http://${target.tunnel.host}:${target.tunnel.port}`
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
}
