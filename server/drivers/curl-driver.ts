import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ClientDriver, DriverOutcome, DriverTarget } from './client-driver.js'
import { PRELOADED_UNTIL, visitHttpFirst, type PageFetch, type PageRequest } from './http-first-visit.js'
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
  // A failed RSA verification names neither what was signed nor where: the trace does (handshakeStage below).
  // After the server's CertificateVerify (RFC 8446 §4.4.3) or ServerKeyExchange (RFC 5246 §7.4.3): the server
  // does not hold the key of the certificate it sent — the lab's verifier says HS (key-possession-tls12/13).
  { pattern: /^exit 35: .*\brsa routines::.* \| after: TLSv[\d.]+ (CERT verify|Server key exchange)$/, step: 'HS' },
  // After the Certificate message, during chain verification: a certificate's own signature fails — SIG
  // (tampered-leaf-signature, tampered-intermediate-signature, swapped-leaf-key). OpenSSL's verify code
  // (certificate signature failure) is lost because curl reports the first error of the queue.
  { pattern: /^exit 35: .*\brsa routines::.* \| after: TLSv[\d.]+ Certificate$/, step: 'SIG' },
  // Left unmapped: `X509 V3 routines::invalid certificate` (X509V3_R_INVALID_CERTIFICATE) is OpenSSL's
  // EXFLAG_INVALID from ossl_x509v3_cache_extensions (crypto/x509/v3_purp.c): a duplicate extension (CRIT), but
  // equally a malformed basic constraints, key usage, name constraints or AKID/SKID — no single step.
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
  run: (target) => (target.startUrl?.startsWith('http:') === true ? typeBareName({ ...target, startUrl: target.startUrl }) : postLogin(target)),
}

const PAGE_MARKER = 'mitmlab-page:'

/**
 * The first visit typed as a bare name: `curl --location http://bank.lab/`,
 * then the sign-in link and the form's action, with curl's own HSTS cache
 * (`--hsts FILE`, curl ≥ 7.74; it upgrades http:// for known hosts and records
 * Strict-Transport-Security seen over verified HTTPS) kept across visits and
 * holding the preloaded hosts the victim is given.
 */
async function typeBareName(target: DriverTarget & { startUrl: string }): Promise<DriverOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'mitmlab-curl-hsts-'))
  const hstsFile = join(dir, 'hsts.txt')
  // curl's cache format (lib/hsts.c): `host "YYYYMMDD HH:MM:SS"`, a leading dot for includeSubDomains.
  const stamp = PRELOADED_UNTIL.toISOString().replace(/-/g, '').replace('T', ' ').slice(0, 17)
  writeFileSync(hstsFile, (target.hsts?.preloaded ?? []).map((host) => `${host} "${stamp}"\n`).join(''), { mode: 0o600 })
  try {
    const page = await visitHttpFirst(target, (request) => fetchWithCurl(target, request, hstsFile))
    if (page.status !== null) {
      return { ...acceptedOutcome(`HTTP ${page.status} from ${page.url}`, page.exitCode), visitedHttpFirst: true, loginSentTo: page.url }
    }
    return { ...rejectedOutcome(CURL_ERROR_TABLE, page.error ?? 'no answer', page.exitCode, page.output), visitedHttpFirst: true }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function fetchWithCurl(target: DriverTarget, request: PageRequest, hstsFile: string): Promise<PageFetch> {
  const result = await runProcess({
    command: 'curl',
    args: [
      '--silent',
      '--show-error',
      '--connect-to',
      `::${target.connectTo.host}:${target.connectTo.port}`,
      '--cacert',
      target.caFile,
      '--hsts',
      hstsFile,
      '--max-time',
      String(Math.ceil(target.timeoutMs / 1000)),
      ...(request.method === 'POST'
        ? ['--data-binary', '@-', '--header', 'content-type: application/x-www-form-urlencoded']
        : ['--location', '--max-redirs', '8']),
      '--output',
      '-',
      '--write-out',
      `\n${PAGE_MARKER}%{http_code} %{url_effective}`,
      request.url,
    ],
    ...(request.form === undefined ? {} : { stdin: request.form }),
    timeoutMs: target.timeoutMs + 2_000,
  })
  const marker = new RegExp(`\\n${PAGE_MARKER}(\\d{3}) (\\S+)$`).exec(result.stdout)
  const status = marker?.[1]
  const body = marker === null ? result.stdout : result.stdout.slice(0, marker.index)
  const output = `${request.method} ${request.url}\n${result.stderr}`
  if (result.exitCode === 0 && status !== undefined && status !== '000') {
    return { status: Number(status), url: marker?.[2] ?? request.url, body, error: null, exitCode: 0, output }
  }
  const curlLine = /^curl: \(\d+\).*$/m.exec(result.stderr)?.[0] ?? lastLines(result.stderr, 3)
  const error = result.spawnError ?? (result.timedOut ? 'timed out' : `exit ${String(result.exitCode)}: ${curlLine}`)
  return { status: null, url: marker?.[2] ?? request.url, body, error, exitCode: result.exitCode, output }
}

async function postLogin(target: DriverTarget): Promise<DriverOutcome> {
  const result = await runProcess({
    command: 'curl',
    args: [
      '--silent',
      '--show-error',
      // The handshake trace (`* TLSv1.3 (IN), TLS handshake, CERT verify (15):`): which message a failure followed (handshakeStage).
      '--verbose',
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
    result.spawnError ?? (result.timedOut ? 'timed out' : `exit ${String(result.exitCode)}: ${curlLine}${handshakeStage(curlLine, result.stderr)}`)
  return rejectedOutcome(CURL_ERROR_TABLE, raw, result.exitCode, output)
}

/**
 * curl reports only the first error of OpenSSL's queue, so a failed RSA
 * verification reads `rsa routines::last octet invalid` (or `bad signature`,
 * `invalid padding`) whether it was a certificate's signature (during chain
 * verification, on the Certificate message) or the server's handshake
 * signature (CertificateVerify, RFC 8446 §4.4.3; ServerKeyExchange, RFC 5246
 * §7.4.3). Its verbose trace names the last handshake message received before
 * the failure (OpenSSL calls the message callback when a message has been
 * read, before it is processed): appended as `| after: <message>` to a
 * library-routine error, so the table can tell the two apart.
 */
export function handshakeStage(curlLine: string, stderr: string): string {
  if (!/\broutines::/.test(curlLine)) return ''
  const received = [...stderr.matchAll(/^\* (TLSv[\d.]+) \(IN\), TLS handshake, ([^(]+?) \(\d+\):$/gm)]
  const last = received.at(-1)
  return last === undefined ? '' : ` | after: ${last[1] ?? ''} ${last[2] ?? ''}`
}
