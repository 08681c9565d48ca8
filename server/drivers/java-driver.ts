import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { domainToASCII } from 'node:url'
import type { ClientDriver, DriverAvailability, DriverOutcome, DriverTarget } from './client-driver.js'
import { compiledClient } from './compiled-client-cache.js'
import { acceptedOutcome, rejectedOutcome } from './error-table.js'
import { JAVA_CLIENT_CLASS, JAVA_CLIENT_SOURCE } from './java-client-source.js'
import { JAVA_ERROR_TABLE } from './java-errors.js'
import { lastLines, runProcess, versionOf } from './run-process.js'
import { targetIsIp } from './target-url.js'

/**
 * A short-lived JVM on two shared cores: C1 only (the client runs for a
 * second, C2 never pays off) and the serial collector (no GC threads), as the
 * JDK's own guidance for small command-line tools suggests. Compiled once
 * with javac rather than launched as a single source file (JEP 330), which
 * compiles in memory on every launch: measured ~0.8 s of CPU per run against ~1.4 s.
 */
const JVM_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto']

async function javaClientDir(): Promise<string> {
  const client = await compiledClient('java', JAVA_CLIENT_SOURCE, async (scratch) => {
    const source = join(scratch, `${JAVA_CLIENT_CLASS}.java`)
    writeFileSync(source, JAVA_CLIENT_SOURCE)
    const result = await runProcess({
      command: 'javac',
      args: ['-d', scratch, '-encoding', 'UTF-8', source],
      env: javaEnv(),
      timeoutMs: 300_000,
    })
    if (result.exitCode !== 0) {
      throw new Error(
        `javac of the lab's Java client failed (${result.spawnError ?? `exit ${String(result.exitCode)}`}): ${lastLines(result.stderr, 4)}`,
      )
    }
  })
  return client.dir
}

/** No JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS from the caller's shell: the trust and the route are the client's own. */
function javaEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8' }
}

export const javaDriver: ClientDriver = {
  id: 'java',
  title: 'Java java.net.http.HttpClient (JSSE, PKIX, in-memory truststore from the PEM)',
  availability: async (): Promise<DriverAvailability> => {
    // `java -version` prints to stderr; its first line names the runtime (openjdk version "17…").
    const version = await versionOf('java', ['-version'])
    if (!('version' in version)) return { isAvailable: false, reason: `${version.reason} (Debian package openjdk-17-jdk-headless)` }
    const javac = await versionOf('javac', ['-version'])
    if (!('version' in javac)) return { isAvailable: false, reason: `${javac.reason} (Debian package openjdk-17-jdk-headless)` }
    try {
      await javaClientDir()
    } catch (cause) {
      return { isAvailable: false, reason: (cause as Error).message }
    }
    return { isAvailable: true, version: version.version }
  },
  run: (target) => postLogin(target),
}

/** https://bank.lab/login with an IDN as its A-label: java.net.URI has no host for a non-ASCII name. */
function asciiLoginUrl(target: DriverTarget): string {
  const host = targetIsIp(target)
    ? target.host.includes(':')
      ? `[${target.host}]`
      : target.host
    : domainToASCII(target.host) || target.host
  return `https://${host}/login`
}

async function postLogin(target: DriverTarget): Promise<DriverOutcome> {
  const dir = await javaClientDir()
  const httpFirst = target.startUrl?.startsWith('http:') === true
  const result = await runProcess({
    command: 'java',
    args: [
      ...JVM_OPTIONS,
      '-cp',
      dir,
      JAVA_CLIENT_CLASS,
      target.caFile,
      target.tunnel.host,
      String(target.tunnel.port),
      asciiLoginUrl(target),
      target.credentials.username,
      target.credentials.password,
      String(target.timeoutMs),
      ...(httpFirst && target.startUrl !== undefined ? [target.startUrl, String(target.visits ?? 1)] : []),
    ],
    env: javaEnv(),
    timeoutMs: target.timeoutMs + 3_000,
  })
  const output = `${result.stdout}\n${result.stderr}`
  const visited = httpFirst ? { visitedHttpFirst: true } : {}
  const status = /^MITMLAB-STATUS (\d{3}) (\S+)$/m.exec(result.stdout)
  if (status !== null) {
    return {
      ...acceptedOutcome(`HTTP ${status[1] ?? ''}`, result.exitCode),
      ...visited,
      ...(httpFirst && status[2] !== undefined ? { loginSentTo: status[2] } : {}),
    }
  }
  const error = /^MITMLAB-ERROR (.*)$/m.exec(result.stdout)?.[1]
  const raw =
    result.spawnError ??
    error ??
    `exit ${String(result.exitCode)}${result.timedOut ? ' (timed out)' : ''}: ${lastLines(result.stderr, 3).replace(/\n/g, ' | ')}`
  return { ...rejectedOutcome(JAVA_ERROR_TABLE, raw, result.exitCode, output), ...visited }
}
