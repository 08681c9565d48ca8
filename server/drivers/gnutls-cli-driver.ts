import type { ClientDriver, DriverOutcome, DriverTarget } from './client-driver.js'
import { acceptedOutcome, rejectedOutcome } from './error-table.js'
import { GNUTLS_ERROR_TABLE } from './gnutls-errors.js'
import { loginRequest, wireHostName } from './raw-login-request.js'
import { lastLines, runProcess, versionOf } from './run-process.js'
import { targetIsIp } from './target-url.js'

/**
 * gnutls-cli (gnutls-bin) as a client: it connects to an address given on
 * its command line, so the hijacked resolver is simply `-p PORT HOST` of
 * connectTo, while `--sni-hostname` and `--verify-hostname` carry bank.lab
 * (gnutls-cli 3.7's own options for exactly this). `--x509cafile` replaces
 * the system trust store (src/cli.c loads the system store only without it).
 * It writes what it reads from stdin into the TLS connection, and quits at
 * end of input, so the login POST is its stdin, held open until the server closes. No OCSP (`--ocsp` is
 * off by default), no CRL: GnuTLS checks revocation only with data it is given.
 */
export const gnutlsCliDriver: ClientDriver = {
  id: 'gnutls-cli',
  title: 'gnutls-cli (GnuTLS, --x509cafile, --verify-hostname)',
  availability: async () => {
    const version = await versionOf('gnutls-cli', ['--version'])
    return 'version' in version
      ? { isAvailable: true, version: version.version }
      : { isAvailable: false, reason: `${version.reason} (Debian package gnutls-bin)` }
  },
  run: (target) => postLogin(target),
}

async function postLogin(target: DriverTarget): Promise<DriverOutcome> {
  const name = wireHostName(target)
  const result = await runProcess({
    command: 'gnutls-cli',
    args: [
      `--x509cafile=${target.caFile}`,
      `--verify-hostname=${name}`,
      // RFC 6066 §3: no SNI for an IP address literal.
      ...(targetIsIp(target) ? ['--disable-sni'] : [`--sni-hostname=${name}`]),
      `--port=${target.connectTo.port}`,
      target.connectTo.host,
    ],
    stdin: loginRequest(target),
    // gnutls-cli ends the session at end of input (src/cli.c: EOF on stdin → bye), before the answer comes.
    keepStdinOpen: true,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C' },
    timeoutMs: target.timeoutMs,
  })
  const output = `${result.stderr}\n${result.stdout}`
  const status = /^HTTP\/1\.[01] (\d{3})/m.exec(result.stdout)?.[1]
  if (status !== undefined) return acceptedOutcome(`HTTP ${status}`, result.exitCode)
  // The verification status (`- Status: …`) and gnutls-cli's `*** …` lines name the cause; the rest is the chain it printed.
  const lines = `${result.stderr}\n${result.stdout}`
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^- Status: |^\*\*\* /.test(line))
  const raw =
    result.spawnError ??
    `exit ${String(result.exitCode)}${result.timedOut ? ' (timed out)' : ''}: ${lines.join(' | ') || lastLines(output, 3).replace(/\n/g, ' | ')}`
  return rejectedOutcome(GNUTLS_ERROR_TABLE, raw, result.exitCode, output)
}
