import type { ClientDriver, DriverOutcome, DriverTarget } from './client-driver.js'
import { acceptedOutcome, rejectedOutcome, type ErrorTable } from './error-table.js'
import { OPENSSL_VERIFY_ROWS } from './openssl-verify-errors.js'
import { PYTHON_CLIENT_SCRIPT } from './python-client-script.js'
import { lastLines, runProcess } from './run-process.js'
import { loginUrl } from './target-url.js'

/** Debian's interpreter, where python3-requests lives (not whatever python3 a version manager puts first on PATH). */
const PYTHON = '/usr/bin/python3'

/**
 * Python's ssl module: ssl.SSLCertVerificationError carries OpenSSL's
 * verify_code and verify_message (Modules/_ssl.c), and its own
 * “Hostname mismatch, certificate is not valid for …” (X509_V_ERR_HOSTNAME_MISMATCH).
 * Raw errors read `Type [verify_code=N]: message`.
 */
export const PYTHON_ERROR_TABLE: ErrorTable = [
  { pattern: /^SSLCertVerificationError .*Hostname mismatch/s, step: 'HOST' },
  // urllib3 1.26 (Debian's requests) still runs its own match_hostname: CertificateError “hostname 'x' doesn't match 'y'”.
  {
    pattern: /hostname '[^']*' doesn't match|no appropriate commonName or subjectAltName fields were found/,
    step: 'HOST',
  },
  ...OPENSSL_VERIFY_ROWS,
]

interface PythonReport {
  status: number | null
  /** Browsing from a start URL: where the login was posted. */
  login_url?: string | null
  type?: string
  message?: string
  verify_code?: number | null
  verify_message?: string | null
}

export function createPythonDriver(library: 'urllib' | 'requests'): ClientDriver {
  return {
    id: `python-${library}`,
    title:
      library === 'urllib'
        ? 'Python urllib.request (ssl.create_default_context)'
        : 'Python requests (verify=CA file)',
    availability: async () => {
      const probe = await runProcess({
        command: PYTHON,
        args: [
          '-c',
          `import sys, ssl${library === 'requests' ? ', requests' : ''}; print(sys.version.split()[0], ssl.OPENSSL_VERSION${library === 'requests' ? ", 'requests', requests.__version__" : ''})`,
        ],
        timeoutMs: 10_000,
      })
      if (probe.spawnError !== null)
        return { isAvailable: false, reason: `${PYTHON} is not installed (Debian package python3)` }
      if (probe.exitCode !== 0)
        return {
          isAvailable: false,
          reason: `${PYTHON} cannot import ${library} (Debian package python3-requests): ${lastLines(probe.stderr, 1)}`,
        }
      return { isAvailable: true, version: `python ${probe.stdout.trim()}` }
    },
    run: (target) => postLogin(target, library),
  }
}

async function postLogin(target: DriverTarget, library: 'urllib' | 'requests'): Promise<DriverOutcome> {
  const config = {
    library,
    url: loginUrl(target),
    proxy: `http://${target.tunnel.host}:${target.tunnel.port}`,
    caFile: target.caFile,
    username: target.credentials.username,
    password: target.credentials.password,
    timeout: target.timeoutMs / 1000,
    // The victim types the bare name (sslstrip, HSTS): Python has no HSTS, so nothing upgrades it.
    ...(target.startUrl?.startsWith('http:') === true ? { startUrl: target.startUrl, visits: target.visits ?? 1 } : {}),
  }
  // A clean environment: no inherited proxy settings or no_proxy exceptions decide the route.
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8' }
  const result = await runProcess({
    command: PYTHON,
    args: ['-c', PYTHON_CLIENT_SCRIPT, JSON.stringify(config)],
    env,
    timeoutMs: target.timeoutMs + 2_000,
  })
  const output = `${result.stdout}\n${result.stderr}`
  const line = /^MITMLAB-RESULT (.*)$/m.exec(result.stdout)?.[1]
  const report = line === undefined ? null : (JSON.parse(line) as PythonReport)
  const httpFirst = 'startUrl' in config ? { visitedHttpFirst: true } : {}
  if (report !== null && report.status !== null)
    return {
      ...acceptedOutcome(`HTTP ${report.status}`, result.exitCode),
      ...httpFirst,
      ...(typeof report.login_url === 'string' ? { loginSentTo: report.login_url } : {}),
    }
  const raw =
    result.spawnError ??
    (report === null
      ? `exit ${String(result.exitCode)}${result.timedOut ? ' (timed out)' : ''}: ${lastLines(result.stderr, 3)}`
      : `${report.type ?? 'Error'}${report.verify_code == null ? '' : ` [verify_code=${report.verify_code}]`}: ${report.message ?? ''}`)
  return { ...rejectedOutcome(PYTHON_ERROR_TABLE, raw, result.exitCode, output), ...httpFirst }
}
