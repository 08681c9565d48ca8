import type { ClientDriver, DriverOutcome, DriverTarget } from './client-driver.js'
import { acceptedOutcome, loginForm, rejectedOutcome, type ErrorTable } from './error-table.js'
import { OPENSSL_VERIFY_ROWS } from './openssl-verify-errors.js'
import { lastLines, runProcess, versionOf } from './run-process.js'
import { targetIsIp } from './target-url.js'

/**
 * openssl s_client prints `verify error:num=N:<text>` from its verify callback
 * (apps/lib/s_cb.c); with -verify_return_error the handshake then fails. The
 * text is X509_verify_cert_error_string, so the shared OpenSSL rows apply.
 */
export const OPENSSL_ERROR_TABLE: ErrorTable = [...OPENSSL_VERIFY_ROWS]

export const opensslDriver: ClientDriver = {
  id: 'openssl',
  title: 'openssl s_client -verify_return_error -verify_hostname',
  availability: async () => {
    const version = await versionOf('openssl', ['version'])
    return 'version' in version
      ? { isAvailable: true, version: version.version }
      : { isAvailable: false, reason: version.reason }
  },
  run: (target) => postLogin(target),
}

async function postLogin(target: DriverTarget): Promise<DriverOutcome> {
  const body = loginForm(target.credentials)
  const httpRequest =
    `POST /login HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  const result = await runProcess({
    command: 'openssl',
    args: [
      's_client',
      '-connect',
      `${target.connectTo.host}:${target.connectTo.port}`,
      // Exactly the victim's roots: not the system store as well.
      '-CAfile',
      target.caFile,
      '-no-CApath',
      '-no-CAstore',
      '-verify_return_error',
      // RFC 6066 §3: no SNI for an IP literal; the address is checked against iPAddress SANs instead.
      ...(targetIsIp(target)
        ? ['-noservername', '-verify_ip', target.host]
        : ['-servername', target.host, '-verify_hostname', target.host]),
      // -quiet implies -ign_eof: keep reading the response after stdin (the request) ends.
      '-quiet',
    ],
    stdin: httpRequest,
    timeoutMs: target.timeoutMs,
  })
  const output = `${result.stdout}\n${result.stderr}`
  const status = /^HTTP\/1\.[01] (\d{3})/m.exec(result.stdout)?.[1]
  if (status !== undefined) return acceptedOutcome(`HTTP ${status}`, result.exitCode)
  const verifyErrors = [...new Set(result.stderr.match(/verify error:num=\d+:[^\n]*/g) ?? [])]
  const raw =
    result.spawnError ??
    (verifyErrors.length > 0
      ? `exit ${String(result.exitCode)}: ${verifyErrors.join('; ')}`
      : `exit ${String(result.exitCode)}${result.timedOut ? ' (timed out)' : ''}: ${lastLines(result.stderr, 3)}`)
  return rejectedOutcome(OPENSSL_ERROR_TABLE, raw, result.exitCode, output)
}
