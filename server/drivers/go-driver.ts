import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { domainToASCII } from 'node:url'
import type { ClientDriver, DriverAvailability, DriverOutcome, DriverTarget } from './client-driver.js'
import { compiledClient, compiledClientRoot } from './compiled-client-cache.js'
import { acceptedOutcome, rejectedOutcome } from './error-table.js'
import { GO_CLIENT_SOURCE } from './go-client-source.js'
import { GO_ERROR_TABLE } from './go-errors.js'
import { lastLines, runProcess, versionOf } from './run-process.js'
import { loginUrl } from './target-url.js'

/** Debian's golang-go puts `go` on PATH (/usr/bin/go → /usr/lib/go-1.19/bin/go). */
const GO = 'go'

/**
 * The toolchain fully offline: no module proxy, no toolchain download
 * (GOTOOLCHAIN, Go ≥ 1.21; ignored by 1.19), caches under the lab's own
 * directory, not $HOME. No -trimpath and cgo left at its default: Debian's
 * Go 1.19 ships the standard library prebuilt for exactly that configuration
 * (GOROOT/pkg/linux_amd64), so the build compiles one file (~1 s of CPU)
 * instead of the whole standard library (~35 s of CPU, minutes on a busy machine).
 */
function goEnv(): NodeJS.ProcessEnv {
  const root = compiledClientRoot()
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: root,
    GOCACHE: join(root, 'go-build-cache'),
    GOPATH: join(root, 'go-path'),
    GOTOOLCHAIN: 'local',
    GOPROXY: 'off',
    GOFLAGS: '',
    GO111MODULE: 'on',
    GOTELEMETRY: 'off',
  }
}

/** Compiles the client once per source hash; the path of the binary. */
async function goClient(): Promise<string> {
  const client = await compiledClient('go', GO_CLIENT_SOURCE, async (scratch) => {
    writeFileSync(join(scratch, 'main.go'), GO_CLIENT_SOURCE)
    const result = await runProcess({
      command: GO,
      // A file argument builds without a go.mod (the command-line-arguments package): nothing to resolve.
      args: ['build', '-o', join(scratch, 'mitmlab-go-client'), join(scratch, 'main.go')],
      env: goEnv(),
      timeoutMs: 600_000,
    })
    if (result.exitCode !== 0) {
      throw new Error(
        `go build of the lab's Go client failed (${result.spawnError ?? `exit ${String(result.exitCode)}`}): ${lastLines(result.stderr, 4)}`,
      )
    }
  })
  return join(client.dir, 'mitmlab-go-client')
}

interface GoReport {
  status: number | null
  login_url?: string
  type?: string
  reason?: number
  message?: string
}

export const goDriver: ClientDriver = {
  id: 'go',
  title: 'Go net/http (crypto/tls + crypto/x509, RootCAs from the PEM)',
  availability: async (): Promise<DriverAvailability> => {
    const version = await versionOf(GO, ['version'])
    if (!('version' in version)) return { isAvailable: false, reason: `${version.reason} (Debian package golang-go)` }
    // Compiled here, once, outside any scenario's time budget; a toolchain that cannot build it is reported, not run.
    try {
      await goClient()
    } catch (cause) {
      return { isAvailable: false, reason: (cause as Error).message }
    }
    return { isAvailable: true, version: version.version }
  },
  run: (target) => postLogin(target),
}

async function postLogin(target: DriverTarget): Promise<DriverOutcome> {
  const binary = await goClient()
  const httpFirst = target.startUrl?.startsWith('http:') === true
  const config = {
    url: loginUrl(target),
    connectTo: `${target.connectTo.host.includes(':') ? `[${target.connectTo.host}]` : target.connectTo.host}:${target.connectTo.port}`,
    // An IDN is sent as its A-label (RFC 5890 §2.3.2.1), as a browser does; tls.Config.ServerName is used verbatim.
    serverName: domainToASCII(target.host) || target.host,
    caFile: target.caFile,
    username: target.credentials.username,
    password: target.credentials.password,
    timeoutMs: target.timeoutMs,
    ...(httpFirst ? { startUrl: target.startUrl, visits: target.visits ?? 1 } : {}),
  }
  // No proxy variables, no SSL_CERT_FILE: the roots are the PEM alone.
  const result = await runProcess({
    command: binary,
    args: [JSON.stringify(config)],
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    timeoutMs: target.timeoutMs + 2_000,
  })
  const output = `${result.stdout}\n${result.stderr}`
  const line = /^MITMLAB-RESULT (.*)$/m.exec(result.stdout)?.[1]
  const report = line === undefined ? null : (JSON.parse(line) as GoReport)
  const visited = httpFirst ? { visitedHttpFirst: true } : {}
  if (report !== null && report.status !== null) {
    return {
      ...acceptedOutcome(`HTTP ${report.status}`, result.exitCode),
      ...visited,
      ...(httpFirst && report.login_url !== undefined ? { loginSentTo: report.login_url } : {}),
    }
  }
  const raw =
    result.spawnError ??
    (report === null
      ? `exit ${String(result.exitCode)}${result.timedOut ? ' (timed out)' : ''}: ${lastLines(result.stderr, 3)}`
      : `${report.type ?? 'error'}${report.reason === undefined ? '' : ` [reason=${report.reason}]`}: ${report.message ?? ''}`)
  return { ...rejectedOutcome(GO_ERROR_TABLE, raw, result.exitCode, output), ...visited }
}
