import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BOTAN_ERROR_TABLE } from './botan-errors.js'
import type { ClientDriver, DriverAvailability, DriverOutcome, DriverTarget } from './client-driver.js'
import { acceptedOutcome, rejectedOutcome } from './error-table.js'
import { loginRequest, wireHostName } from './raw-login-request.js'
import { lastLines, runProcess, versionOf } from './run-process.js'

/**
 * Botan 2.19's `botan tls_client HOST --port=N --skip-system-cert-store
 * --trusted-cas=PEM`: Botan's own TLS and path validation
 * (x509_path_validate, with HOST as the name to match and the SNI).
 *
 * Two things about that command shape the driver:
 *
 * - It resolves HOST itself (getaddrinfo) and has no option to connect
 *   elsewhere nor a proxy option. The hijacked resolver is therefore a
 *   private view of /etc/hosts: the command runs in a new unprivileged user
 *   + mount namespace (`unshare --user --map-root-user --mount`, util-linux)
 *   where a hosts file saying `connectTo bank.lab` is bind-mounted over
 *   /etc/hosts for that process alone. The machine's /etc/hosts is never
 *   touched and no code is injected into botan (no LD_PRELOAD).
 * - It is a diagnostic tool: it prints `Certificate validation status: …`
 *   (Path_Validation_Result::result_string()) and carries on with the session
 *   whatever the status (src/cli/tls_client.cpp, tls_verify_cert_chain only
 *   prints). So the driver plays the application that acts on Botan's
 *   verdict: it writes the login only after Botan said “Verified”, and on
 *   any other status ends the session without sending it. The verdict is
 *   Botan's; only the enforcement is the driver's. botan writes through
 *   std::cout, block-buffered on a pipe, so the status would only show when
 *   the session ends: it runs on a pseudo-terminal (util-linux `script`,
 *   the terminal put in raw mode without echo, so bytes pass unchanged),
 *   where its output is line-buffered.
 *
 * Revocation: the CLI's default policy asks for none (TLS::Policy::
 * require_cert_revocation_info is false) and it fetches no CRL.
 */
export const botanDriver: ClientDriver = {
  id: 'botan',
  title: 'Botan tls_client (Botan 2 TLS + x509_path_validate, --trusted-cas)',
  availability: async (): Promise<DriverAvailability> => {
    const version = await versionOf('botan', ['version'])
    if (!('version' in version)) return { isAvailable: false, reason: `${version.reason} (Debian package botan)` }
    const terminal = await runProcess({ command: 'script', args: ['--version'], timeoutMs: 10_000 })
    if (terminal.spawnError !== null) return { isAvailable: false, reason: 'script is not installed (Debian package bsdutils)' }
    // The very operation each run needs: a bind mount over /etc/hosts, in a namespace of its own.
    const probe = await runProcess({
      command: 'unshare',
      args: [...UNSHARE, 'mount', '--bind', '/etc/hosts', '/etc/hosts'],
      timeoutMs: 10_000,
    })
    if (probe.spawnError !== null) return { isAvailable: false, reason: 'unshare is not installed (Debian package util-linux)' }
    if (probe.exitCode !== 0) {
      return {
        isAvailable: false,
        reason: `botan tls_client resolves bank.lab itself, and this machine refuses the private hosts view it needs (unprivileged user namespaces: ${lastLines(probe.stderr, 1) || `exit ${String(probe.exitCode)}`})`,
      }
    }
    return { isAvailable: true, version: `botan ${version.version}` }
  },
  run: (target) => postLogin(target),
}

const UNSHARE = ['--user', '--map-root-user', '--mount']

/** Inside the namespace: the hosts file over /etc/hosts, then botan in this process's place. */
const IN_NAMESPACE = 'mount --bind "$1" /etc/hosts && shift && exec botan tls_client "$@"'

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

/** The pseudo-terminal's command line: raw, no echo, then the namespace and botan. */
function onTerminal(args: readonly string[]): string[] {
  return ['--quiet', '--flush', '--return', '--command', `stty raw -echo && exec ${args.map(shellQuote).join(' ')}`, '/dev/null']
}

async function postLogin(target: DriverTarget): Promise<DriverOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'mitmlab-botan-'))
  const name = wireHostName(target)
  const hostsFile = join(dir, 'hosts')
  writeFileSync(hostsFile, `${target.connectTo.host}\t${name}\n`, { mode: 0o644 })
  try {
    const session = await runBotanSession({
      args: onTerminal([
        'unshare',
        ...UNSHARE,
        '/bin/sh',
        '-c',
        IN_NAMESPACE,
        'sh',
        hostsFile,
        name,
        `--port=${target.connectTo.port}`,
        '--skip-system-cert-store',
        `--trusted-cas=${target.caFile}`,
      ]),
      request: loginRequest(target),
      timeoutMs: target.timeoutMs,
    })
    const output = `${session.stdout}\n${session.stderr}`
    const status = /^HTTP\/1\.[01] (\d{3})/m.exec(session.stdout)?.[1]
    if (session.verification === 'Verified' && status !== undefined) return acceptedOutcome(`HTTP ${status}`, session.exitCode)
    // Botan's `Error: …` line (an exception from the TLS layer) or the verification status it printed.
    const errorLine = /^Error: .*$/m.exec(session.stderr)?.[0] ?? /^Error: .*$/m.exec(session.stdout)?.[0]
    const raw =
      session.spawnError ??
      (session.verification !== null && session.verification !== 'Verified'
        ? `Certificate validation status: ${session.verification}`
        : `exit ${String(session.exitCode)}${session.timedOut ? ' (timed out)' : ''}: ${errorLine ?? lastLines(output, 3).replace(/\n/g, ' | ')}`)
    return rejectedOutcome(BOTAN_ERROR_TABLE, raw, session.exitCode, output)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

interface BotanSession {
  exitCode: number | null
  stdout: string
  stderr: string
  timedOut: boolean
  spawnError: string | null
  /** What Botan printed after `Certificate validation status:`; null when the handshake never got that far. */
  verification: string | null
}

const MAX_CAPTURE = 256 * 1024

/**
 * One tls_client session, played as an application would: wait for Botan's
 * verification status, send the request only on “Verified” (stdin held open:
 * tls_client closes the session at end of input), otherwise stop it.
 */
function runBotanSession(params: { args: string[]; request: string; timeoutMs: number }): Promise<BotanSession> {
  return new Promise((resolve) => {
    const child = spawn('script', params.args, {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C' },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let verification: string | null = null
    let timedOut = false
    let spawnError: string | null = null
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, params.timeoutMs)
    child.stdout.setEncoding('utf8')
    child.stderr.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      if (stdout.length < MAX_CAPTURE) stdout += chunk
      if (verification !== null) return
      const line = /^Certificate validation status: (.*)$/m.exec(stdout)?.[1]
      if (line === undefined) return
      verification = line.trim()
      if (verification === 'Verified') child.stdin.write(params.request)
      // SIGKILL: script answers SIGTERM by waiting 2 s for its shell; killed, it closes the terminal and botan gets SIGHUP.
      else child.kill('SIGKILL')
    })
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < MAX_CAPTURE) stderr += chunk
    })
    child.on('error', (error) => {
      spawnError = error.message
    })
    child.stdin.on('error', () => undefined)
    child.on('close', (code) => {
      clearTimeout(timer)
      child.stdin.destroy()
      resolve({ exitCode: code, stdout, stderr, timedOut, spawnError, verification })
    })
  })
}
