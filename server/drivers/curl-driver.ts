import type { ClientDriver, DriverOutcome, DriverTarget } from './client-driver.js'
import { acceptedOutcome, loginForm, rejectedOutcome, type ErrorTable } from './error-table.js'
import { OPENSSL_VERIFY_ROWS } from './openssl-verify-errors.js'
import { lastLines, runProcess, versionOf } from './run-process.js'
import { loginUrl } from './target-url.js'

/**
 * curl's words (libcurl with OpenSSL): exit 60 (CURLE_PEER_FAILED_VERIFICATION)
 * carries OpenSSL's verify string after “SSL certificate problem:”, or curl's
 * own hostname check (lib/vtls/openssl.c verifyhost); exit 35 is a failed
 * handshake. Raw errors read `exit N: <stderr>`.
 */
export const CURL_ERROR_TABLE: ErrorTable = [
  {
    pattern:
      /^exit 60: .*(no alternative certificate subject name matches|certificate subject name .* does not match target host name)/s,
    step: 'HOST',
  },
  { pattern: /^exit 60: .*unable to obtain common name from peer certificate/s, step: 'HOST' },
  ...OPENSSL_VERIFY_ROWS,
]

const STATUS_MARKER = 'mitmlab-http-status:'

export const curlDriver: ClientDriver = {
  id: 'curl',
  title: 'curl (OpenSSL backend, --cacert)',
  availability: async () => {
    const version = await versionOf('curl', ['--version'])
    return 'version' in version
      ? { isAvailable: true, version: version.version }
      : { isAvailable: false, reason: version.reason }
  },
  run: (target) => postLogin(target),
}

async function postLogin(target: DriverTarget): Promise<DriverOutcome> {
  const result = await runProcess({
    command: 'curl',
    args: [
      '--silent',
      '--show-error',
      // The hijacked resolver: any host:port (empty HOST1:PORT1) is wherever the scenario says; SNI and the name check still use the URL's host.
      '--connect-to',
      `::${target.connectTo.host}:${target.connectTo.port}`,
      '--cacert',
      target.caFile,
      '--max-time',
      String(Math.ceil(target.timeoutMs / 1000)),
      '--data-binary',
      '@-',
      '--header',
      'content-type: application/x-www-form-urlencoded',
      '--output',
      '/dev/null',
      '--write-out',
      `${STATUS_MARKER}%{http_code}`,
      loginUrl(target),
    ],
    stdin: loginForm(target.credentials),
    timeoutMs: target.timeoutMs + 2_000,
  })
  const output = `${result.stdout}\n${result.stderr}`
  const status = new RegExp(`${STATUS_MARKER}(\\d{3})`).exec(result.stdout)?.[1]
  if (result.exitCode === 0 && status !== undefined && status !== '000')
    return acceptedOutcome(`HTTP ${status}`, 0)
  // curl's own line (`curl: (60) SSL certificate problem: …`); the advice paragraph after it names no cause.
  const curlLine = /^curl: \(\d+\).*$/m.exec(result.stderr)?.[0] ?? lastLines(result.stderr, 3)
  const raw =
    result.spawnError ?? (result.timedOut ? 'timed out' : `exit ${String(result.exitCode)}: ${curlLine}`)
  return rejectedOutcome(CURL_ERROR_TABLE, raw, result.exitCode, output)
}
