import { existsSync } from 'node:fs'
import { chromium, type Request, type Response } from 'playwright-core'
import type { ClientDriver, DriverOutcome, DriverTarget } from './client-driver.js'
import { acceptedOutcome, rejectedOutcome, type ErrorTable } from './error-table.js'
import { createNssHome } from './nss-database.js'
import { runProcess, versionOf } from './run-process.js'
import { loginUrl, targetIsIp } from './target-url.js'

const CHROMIUM = '/usr/bin/chromium'

/**
 * Chromium's net errors (net/base/net_error_list.h). ERR_CERT_INVALID is
 * Chromium's catch-all for a malformed or misused certificate (basic
 * constraints, key usage, EKU…): it names no single step, so it stays unmapped.
 */
export const CHROMIUM_ERROR_TABLE: ErrorTable = [
  { pattern: /net::ERR_CERT_AUTHORITY_INVALID\b/, step: 'TRUST' },
  { pattern: /net::ERR_CERT_(SYMANTEC_LEGACY|KNOWN_INTERCEPTION_BLOCKED)\b/, step: 'TRUST' },
  { pattern: /net::ERR_CERT_COMMON_NAME_INVALID\b|net::ERR_CERT_NON_UNIQUE_NAME\b/, step: 'HOST' },
  { pattern: /net::ERR_CERT_DATE_INVALID\b|net::ERR_CERT_VALIDITY_TOO_LONG\b/, step: 'DATES' },
  { pattern: /net::ERR_CERT_NAME_CONSTRAINT_VIOLATION\b/, step: 'NC' },
  { pattern: /net::ERR_CERT_WEAK_SIGNATURE_ALGORITHM\b|net::ERR_CERT_WEAK_KEY\b/, step: 'ALG' },
  { pattern: /net::ERR_CERT_(REVOKED|UNABLE_TO_CHECK_REVOCATION|NO_REVOCATION_MECHANISM)\b/, step: 'REV' },
  { pattern: /net::ERR_SSL_PINNED_KEY_NOT_IN_CERT_CHAIN\b/, step: 'PIN' },
  { pattern: /net::ERR_CERTIFICATE_TRANSPARENCY_REQUIRED\b/, step: 'CT' },
  { pattern: /net::ERR_TLS13_DOWNGRADE_DETECTED\b/, step: 'PROTO' },
  // PROTO is “protocol version and cipher policy”: no version or signature scheme both sides accept.
  {
    pattern: /net::ERR_SSL_(OBSOLETE_VERSION|VERSION_INTERFERENCE|VERSION_OR_CIPHER_MISMATCH)\b/,
    step: 'PROTO',
  },
]

/**
 * Headless Chromium (Debian) through playwright-core, as a person would use
 * it: trusting the lab roots from an NSS database in a throwaway HOME,
 * bank.lab mapped to the scenario's server by --host-resolver-rules (the
 * hijacked resolver), and no certificate-bypass flag. It loads the login page,
 * fills and submits the form; the verdict is the POST's response or the net::ERR_* that stopped it.
 */
export const chromiumDriver: ClientDriver = {
  id: 'chromium',
  title: 'Chromium (headless, NSS roots, no bypass flags)',
  availability: async () => {
    if (!existsSync(CHROMIUM))
      return { isAvailable: false, reason: `${CHROMIUM} is missing (Debian package chromium)` }
    const certutil = await runProcess({ command: 'certutil', args: ['-H'], timeoutMs: 10_000 })
    if (certutil.spawnError !== null)
      return { isAvailable: false, reason: 'certutil is missing (Debian package libnss3-tools)' }
    const version = await versionOf(CHROMIUM, ['--version'])
    return 'version' in version
      ? { isAvailable: true, version: version.version }
      : { isAvailable: false, reason: version.reason }
  },
  run: (target) => submitLogin(target),
}

async function submitLogin(target: DriverTarget): Promise<DriverOutcome> {
  const nss = await createNssHome(target.caFile)
  const browser = await chromium
    .launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: target.timeoutMs,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        ...(targetIsIp(target)
          ? // Resolver rules never apply to an IP literal: send it through the CONNECT tunnel, loopback included.
            [
              `--proxy-server=http://${target.tunnel.host}:${target.tunnel.port}`,
              '--proxy-bypass-list=<-loopback>',
            ]
          : // Every name: the page's form posts to https://bank.lab/login whatever host it was loaded from.
            [`--host-resolver-rules=MAP * ${target.connectTo.host}:${target.connectTo.port}`]),
      ],
      env: { ...process.env, HOME: nss.home },
    })
    .catch((error: unknown) => {
      nss.remove()
      throw error
    })
  const step = { name: 'load the login page' }
  try {
    const page = await browser.newPage()
    page.setDefaultTimeout(target.timeoutMs)
    await page.goto(loginUrl(target))
    step.name = 'fill the form'
    await page.fill('input[name="username"]', target.credentials.username)
    await page.fill('input[name="password"]', target.credentials.password)
    step.name = 'submit the form'
    const isLoginPost = (request: Request): boolean =>
      request.method() === 'POST' && new URL(request.url()).pathname === '/login'
    // The POST either gets a response or fails (e.g. the form's host is not in the certificate): never wait out the timeout.
    const posted = new Promise<Response | string>((resolve) => {
      page.on('response', (response) => {
        if (isLoginPost(response.request())) resolve(response)
      })
      page.on('requestfailed', (request) => {
        if (isLoginPost(request)) resolve(request.failure()?.errorText ?? 'request failed')
      })
    })
    await page.click('button[type="submit"]')
    const response = await Promise.race([
      posted,
      page
        .waitForTimeout(target.timeoutMs)
        .then(() => `no response to the login POST within ${target.timeoutMs} ms`),
    ])
    if (typeof response === 'string') throw new Error(response)
    return acceptedOutcome(`HTTP ${response.status()} ${response.headers()['location'] ?? ''}`.trim(), null)
  } catch (error) {
    const message = (error as Error).message
    const netError = /net::ERR_[A-Z0-9_]+/.exec(message)?.[0]
    const raw =
      netError === undefined ? `${step.name}: ${message.split('\n')[0] ?? ''}` : `${netError} (${step.name})`
    return rejectedOutcome(CHROMIUM_ERROR_TABLE, raw, null, message)
  } finally {
    await browser.close()
    nss.remove()
  }
}
