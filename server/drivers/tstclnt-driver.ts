import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ClientDriver, DriverAvailability, DriverOutcome, DriverTarget } from './client-driver.js'
import { acceptedOutcome, loginForm, rejectedOutcome, type ErrorTable } from './error-table.js'
import { createNssDatabase } from './nss-database.js'
import { NSS_ERROR_ROWS } from './nss-errors.js'
import { runProcess } from './run-process.js'

/**
 * tstclnt prints `tstclnt: <what failed>: <NSS error name>: <text>` (NSS
 * cmd/tstclnt/tstclnt.c, SECU_PrintError); the names are NSS's own.
 */
export const TSTCLNT_ERROR_TABLE: ErrorTable = [
  // NSS says SEC_ERROR_BAD_SIGNATURE both for a certificate's signature and for the server's handshake signature
  // (lib/ssl/ssl3con.c ssl3_VerifySignedHashes). tstclnt tells them apart: a certificate fails in its
  // "authentication of server cert" callback, a CertificateVerify / ServerKeyExchange while the socket is written or read.
  { pattern: /tstclnt: authentication of server cert failed: SEC_ERROR_BAD_SIGNATURE\b/, step: 'SIG' },
  { pattern: /tstclnt: (write to|read from) SSL socket failed: SEC_ERROR_BAD_SIGNATURE\b/, step: 'HS' },
  ...NSS_ERROR_ROWS,
]

const TSTCLNT = 'tstclnt'

/**
 * NSS's test client (Debian libnss3-tools) with its default certificate
 * callback: SSL_AuthCertificate (lib/ssl/sslauth.c) → CERT_VerifyCert, NSS's
 * classic chain verifier (lib/certhigh/certvfy.c), then CERT_VerifyCertName for
 * the name given with -a. That is a different verifier from Firefox's
 * mozilla::pkix, Firefox's verifier since Firefox 31 (Mozilla Security Blog,
 * "mozilla::pkix ships in Firefox!", April 2014), which Firefox ESR runs from
 * its own bundled NSS (/usr/lib/firefox-esr/libnss3.so on Debian). It trusts exactly the roots of an NSS
 * database made for the run (no -b: the built-in Mozilla roots are not
 * loaded), connects where bank.lab resolves in the scenario, and sends the
 * login POST on stdin; no revocation fetching (tstclnt enables OCSP only with -F).
 */
export const tstclntDriver: ClientDriver = {
  id: 'nss-tstclnt',
  title: 'NSS tstclnt (classic CERT_VerifyCert, NSS database roots)',
  availability: () => tstclntAvailability(),
  run: (target) => postLogin(target),
}

async function tstclntAvailability(): Promise<DriverAvailability> {
  // tstclnt has no version flag: it prints its usage and exits 1. A spawn error is the one thing that says it is missing.
  const probe = await runProcess({ command: TSTCLNT, args: ['-Y'], timeoutMs: 10_000 })
  if (probe.spawnError !== null)
    return { isAvailable: false, reason: `tstclnt is not installed (Debian package libnss3-tools): ${probe.spawnError}` }
  const certutil = await runProcess({ command: 'certutil', args: ['-H'], timeoutMs: 10_000 })
  if (certutil.spawnError !== null)
    return { isAvailable: false, reason: 'certutil is missing (Debian package libnss3-tools)' }
  return { isAvailable: true, version: await nssVersion() }
}

/** The NSS the tool links: Debian's package version, else nss-config's, else said to be unknown. */
async function nssVersion(): Promise<string> {
  const dpkg = await runProcess({ command: 'dpkg-query', args: ['-W', '-f', '${Version}', 'libnss3'], timeoutMs: 10_000 })
  if (dpkg.exitCode === 0 && dpkg.stdout.trim() !== '') return `NSS ${dpkg.stdout.trim()} (libnss3)`
  const config = await runProcess({ command: 'nss-config', args: ['--version'], timeoutMs: 10_000 })
  if (config.exitCode === 0 && config.stdout.trim() !== '') return `NSS ${config.stdout.trim()}`
  return 'NSS (version unknown: neither dpkg-query nor nss-config answered)'
}

async function postLogin(target: DriverTarget): Promise<DriverOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'mitmlab-tstclnt-'))
  try {
    const database = await createNssDatabase(dir, target.caFile, { skipRefusedRoots: true })
    const body = loginForm(target.credentials)
    const httpRequest =
      `POST /login HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
    const result = await runProcess({
      command: TSTCLNT,
      args: [
        // Where bank.lab resolves in this scenario (the hijacked resolver)…
        '-h',
        target.connectTo.host,
        '-p',
        String(target.connectTo.port),
        // …while SNI and the name check use the name the victim asked for (SSL_SetURL; no SNI for an IP literal, RFC 6066 §3).
        '-a',
        target.host,
        '-d',
        database.spec,
      ],
      stdin: httpRequest,
      timeoutMs: target.timeoutMs,
    })
    const refused = database.refusedRoots.map((root) => `certutil refused ${root}: not trusted\n`).join('')
    const output = `${refused}${result.stdout}\n${result.stderr}`
    const status = /^HTTP\/1\.[01] (\d{3})/m.exec(result.stdout)?.[1]
    if (status !== undefined) return acceptedOutcome(`HTTP ${status}`, result.exitCode)
    // tstclnt's own failure lines name the NSS error; the statistics it prints after them name none.
    const failures = [...new Set(result.stderr.match(/^tstclnt: .*$/gm) ?? [])]
    const raw =
      result.spawnError ??
      `exit ${String(result.exitCode)}${result.timedOut ? ' (timed out)' : ''}: ${failures.length > 0 ? failures.join('; ') : 'no HTTP status line came back'}`
    return rejectedOutcome(TSTCLNT_ERROR_TABLE, raw, result.exitCode, output)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
