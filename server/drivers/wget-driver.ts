import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ClientDriver, DriverOutcome, DriverTarget } from './client-driver.js'
import { PRELOADED_UNTIL, visitHttpFirst, type PageFetch, type PageRequest } from './http-first-visit.js'
import { acceptedOutcome, loginForm, rejectedOutcome, type ErrorTable } from './error-table.js'
import { lastLines, runProcess, versionOf } from './run-process.js'
import { loginUrl } from './target-url.js'

/**
 * GNU Wget's words. Debian builds it with GnuTLS (`wget --version`: +ssl/gnutls),
 * so the rows are its src/gnutls.c sentences, one per GnuTLS verify status
 * bit, and its own hostname check. “is not trusted” alone (GNUTLS_CERT_INVALID)
 * names no cause and stays unmapped. Exit 5 is “SSL verification failure”.
 */
export const WGET_ERROR_TABLE: ErrorTable = [
  {
    pattern: /certificate's owner does not match hostname|no certificate subject alternative name matches/i,
    step: 'HOST',
  },
  {
    pattern:
      /doesn't have a known issuer|Self-signed certificate encountered|Unable to locally verify the issuer's authority/i,
    step: 'TRUST',
  },
  {
    pattern: /has expired|is not yet activated|Issued certificate (has expired|not yet valid)/i,
    step: 'DATES',
  },
  { pattern: /certificate signer of .* was not a CA/i, step: 'BC' },
  { pattern: /signed using an insecure algorithm/i, step: 'ALG' },
  { pattern: /has been revoked/i, step: 'REV' },
  // GnuTLS refuses to parse it (RFC 5280 §4.2: at most one instance of an extension).
  { pattern: /GnuTLS: Duplicate extension in X\.509 certificate/i, step: 'CRIT' },
  // Exit 4 is a failed handshake: wget checks the chain itself only after it (ssl_check_certificate, exit 5), so
  // GNUTLS_E_PK_SIG_VERIFY_FAILED here is the server's handshake signature (CertificateVerify / ServerKeyExchange).
  { pattern: /^exit 4: GnuTLS: Public key signature verification has failed/, step: 'HS' },
  // Left unmapped: “is not trusted” alone is GNUTLS_CERT_INVALID with no other status bit wget prints; GnuTLS sets
  // it for a bad signature, a leaf used as a CA, a missing keyCertSign, a name-constraint or path-length violation
  // and an unknown critical extension alike (lab run: 13 scenarios with 6 different expected steps).
  { pattern: /protocol version|unsupported version/i, step: 'PROTO' },
  { pattern: /GnuTLS: Decryption has failed|Read error \(Decryption has failed\.\)/i, step: 'REC' },
]

export const wgetDriver: ClientDriver = {
  id: 'wget',
  title: 'GNU Wget (GnuTLS, --ca-certificate, through https_proxy)',
  availability: async () => {
    const version = await versionOf('wget', ['--version'])
    return 'version' in version
      ? { isAvailable: true, version: version.version }
      : { isAvailable: false, reason: version.reason }
  },
  run: (target) => (target.startUrl?.startsWith('http:') === true ? typeBareName({ ...target, startUrl: target.startUrl }) : postLogin(target)),
}

/**
 * The first visit typed as a bare name: `wget http://bank.lab/` (plain HTTP
 * through the same proxy, as `http_proxy`), following redirects, then the
 * sign-in link and the form's action. Wget's own HSTS database
 * (`--hsts-file`, src/hsts.c) holds the preloaded hosts and what it learns
 * over verified HTTPS, across visits.
 */
async function typeBareName(target: DriverTarget & { startUrl: string }): Promise<DriverOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'mitmlab-wget-hsts-'))
  const hstsFile = join(dir, 'hsts.txt')
  // src/hsts.c's format: host, port (0 = default), include-subdomains, created, max-age (seconds).
  const created = Math.floor(Date.now() / 1000)
  const maxAge = Math.floor(PRELOADED_UNTIL.getTime() / 1000) - created
  writeFileSync(hstsFile, (target.hsts?.preloaded ?? []).map((host) => `${host}\t0\t1\t${created}\t${maxAge}\n`).join(''), { mode: 0o600 })
  try {
    const page = await visitHttpFirst(target, (request) => fetchWithWget(target, request, hstsFile))
    if (page.status !== null) {
      return { ...acceptedOutcome(`HTTP ${page.status} from ${page.url}`, page.exitCode), visitedHttpFirst: true, loginSentTo: page.url }
    }
    return { ...rejectedOutcome(WGET_ERROR_TABLE, page.error ?? 'no answer', page.exitCode, page.output), visitedHttpFirst: true }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function fetchWithWget(target: DriverTarget, request: PageRequest, hstsFile: string): Promise<PageFetch> {
  const proxy = `http://${target.tunnel.host}:${target.tunnel.port}`
  const result = await runProcess({
    command: 'wget',
    args: [
      '--no-config',
      `--hsts-file=${hstsFile}`,
      '--server-response',
      '--tries=1',
      `--timeout=${Math.ceil(target.timeoutMs / 1000)}`,
      `--ca-certificate=${target.caFile}`,
      ...(request.method === 'POST' ? [`--post-data=${request.form ?? ''}`, '--max-redirect=0'] : ['--max-redirect=8']),
      '--output-document=-',
      request.url,
    ],
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C', https_proxy: proxy, http_proxy: proxy },
    timeoutMs: target.timeoutMs + 2_000,
  })
  // Each request wget makes is announced as `--DATE TIME--  URL` (after an HSTS upgrade, the https:// one).
  const urls = [...result.stderr.matchAll(/^--\d{4}-\d\d-\d\d \d\d:\d\d:\d\d--\s+(\S+)$/gm)].map((match) => match[1] ?? '')
  const url = urls.at(-1) ?? request.url
  const statuses = [...result.stderr.matchAll(/^ {2}HTTP\/1\.[01] (\d{3})/gm)].map((match) => Number(match[1]))
  const status = statuses.at(-1)
  const output = `${request.method} ${request.url}\n${result.stderr}`
  if (status !== undefined && (result.exitCode === 0 || (request.method === 'POST' && status >= 300 && status < 400))) {
    return { status, url, body: result.stdout, error: null, exitCode: result.exitCode, output }
  }
  const errorLines = result.stderr.split('\n').filter((line) => /^(ERROR|WARNING|The certificate|Unable to|GnuTLS)|failed/.test(line.trim()))
  const error =
    result.spawnError ??
    `exit ${String(result.exitCode)}${result.timedOut ? ' (timed out)' : ''}: ${lastLines(errorLines.join('\n') || result.stderr, 4).replace(/\n\s*/g, ' | ')}`
  return { status: null, url, body: result.stdout, error, exitCode: result.exitCode, output }
}

async function postLogin(target: DriverTarget): Promise<DriverOutcome> {
  const proxy = `http://${target.tunnel.host}:${target.tunnel.port}`
  const result = await runProcess({
    command: 'wget',
    args: [
      '--no-config',
      '--no-hsts', // no ~/.wget-hsts carried from one scenario to the next
      '--server-response',
      '--max-redirect=0',
      '--tries=1',
      `--timeout=${Math.ceil(target.timeoutMs / 1000)}`,
      `--ca-certificate=${target.caFile}`,
      `--post-data=${loginForm(target.credentials)}`,
      '--output-document=/dev/null',
      loginUrl(target),
    ],
    // wget has no resolve option: the CONNECT tunnel stands in for the hijacked resolver.
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C', https_proxy: proxy },
    timeoutMs: target.timeoutMs + 2_000,
  })
  const output = `${result.stdout}\n${result.stderr}`
  // --server-response prints the origin's status line indented; the tunnel's “200 Connection Established” is not shown that way.
  const status = /^ {2}HTTP\/1\.[01] (\d{3})/m.exec(result.stderr)?.[1]
  if (status !== undefined) return acceptedOutcome(`HTTP ${status}`, result.exitCode)
  const errorLines = result.stderr
    .split('\n')
    .filter((line) => /^(ERROR|WARNING|The certificate|Unable to|GnuTLS)|failed/.test(line.trim()))
  const raw =
    result.spawnError ??
    `exit ${String(result.exitCode)}${result.timedOut ? ' (timed out)' : ''}: ${lastLines(errorLines.join('\n') || result.stderr, 4).replace(/\n\s*/g, ' | ')}`
  return rejectedOutcome(WGET_ERROR_TABLE, raw, result.exitCode, output)
}
