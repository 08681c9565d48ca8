import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Page, type Request, type Response } from 'playwright-core'
import type { ClientDriver, DriverOutcome, DriverTarget } from './client-driver.js'
import { acceptedOutcome, rejectedOutcome, type ErrorTable } from './error-table.js'
import { PRELOADED_UNTIL } from './http-first-visit.js'
import { createNssHome } from './nss-database.js'
import { runProcess, versionOf } from './run-process.js'
import { loginUrl, targetIsIp } from './target-url.js'

const CHROMIUM = '/usr/bin/chromium'

/**
 * Chromium's net errors (net/base/net_error_list.h). Three codes Chromium 156
 * gave in `npm run lab -- --clients chromium` (issue 19 item 2) stay unmapped
 * on purpose, because each named several steps in that run:
 * - ERR_CERT_INVALID (CERT_STATUS_INVALID, Chromium's catch-all for a
 *   malformed or misused certificate): 17 scenarios expecting BC, KU, EKU,
 *   NC, PATHLEN, CRIT, HOST (an IP in a dNSName) and ALG (MD5, SHA-1,
 *   explicit curve parameters);
 * - ERR_SSL_PROTOCOL_ERROR (BoringSSL's generic handshake or record failure):
 *   HS (key possession, heartbeat), FIN (a ClientHello edited in flight) and
 *   REC (a flipped, injected or reordered record);
 * - ERR_EMPTY_RESPONSE (the connection closed before any HTTP answer): REC
 *   (a truncated record stream) and a control the proxy dropped (idn-homograph).
 * Every other code it gave (AUTHORITY_INVALID, COMMON_NAME_INVALID,
 * DATE_INVALID, VERSION_OR_CIPHER_MISMATCH, TLS13_DOWNGRADE_DETECTED) has its row below.
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
 * In the sslstrip/HSTS family it types the bare name instead (typeBareName).
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

/** What the browser is launched with: Chromium's flags, and a profile directory holding the seeded HSTS state. */
function launchArgs(target: DriverTarget): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    // The component updater still phones update.googleapis.com through the resolver rules, i.e. into the lab's proxy.
    '--disable-component-update',
    ...(targetIsIp(target)
      ? // Resolver rules never apply to an IP literal: send it through the CONNECT tunnel, loopback included.
        [`--proxy-server=http://${target.tunnel.host}:${target.tunnel.port}`, '--proxy-bypass-list=<-loopback>']
      : // Every name and port (http:// on 80 and https:// on 443 alike): the page's form posts to bank.lab whatever host it was loaded from.
        [`--host-resolver-rules=MAP * ${target.connectTo.host}:${target.connectTo.port}`]),
  ]
}

async function submitLogin(target: DriverTarget): Promise<DriverOutcome> {
  const nss = await createNssHome(target.caFile)
  const httpFirst = target.startUrl?.startsWith('http:') === true
  const profile = join(nss.home, 'profile')
  if (httpFirst) seedHstsState(profile, target.hsts?.preloaded ?? [])
  const context = await chromium
    .launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      timeout: target.timeoutMs,
      args: launchArgs(target),
      env: { ...process.env, HOME: nss.home },
    })
    .catch((error: unknown) => {
      nss.remove()
      throw error
    })
  const step = { name: 'load the login page' }
  try {
    const page = context.pages()[0] ?? (await context.newPage())
    page.setDefaultTimeout(target.timeoutMs)
    if (httpFirst && target.startUrl !== undefined) return await typeBareName(page, { ...target, startUrl: target.startUrl }, step)
    await page.goto(loginUrl(target))
    const response = await fillAndSubmit(page, target, step)
    return acceptedOutcome(`HTTP ${response.status()} ${response.headers()['location'] ?? ''}`.trim(), null)
  } catch (error) {
    return { ...chromiumRejection(error, step.name), ...(httpFirst ? { visitedHttpFirst: true } : {}) }
  } finally {
    await context.close()
    nss.remove()
  }
}

/** Chromium's words when it gave up: the net::ERR_* code and the step of the visit it stopped at. */
function chromiumRejection(error: unknown, stepName: string): DriverOutcome {
  const message = (error as Error).message
  const netError = /net::ERR_[A-Z0-9_]+/.exec(message)?.[0]
  const raw = netError === undefined ? `${stepName}: ${message.split('\n')[0] ?? ''}` : `${netError} (${stepName})`
  return rejectedOutcome(CHROMIUM_ERROR_TABLE, raw, null, message)
}

/** Fills the sign-in form of the page in view and submits it as a person would: the login POST's response, wherever the form's action sent it. */
async function fillAndSubmit(page: Page, target: DriverTarget, step: { name: string }): Promise<Response> {
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
    page.waitForTimeout(target.timeoutMs).then(() => `no response to the login POST within ${target.timeoutMs} ms`),
  ])
  if (typeof response === 'string') throw new Error(response)
  return response
}

/** Pages between the typed name and the sign-in form (home → "Sign in" → form), as in http-first-visit.ts. */
const MAX_PAGES = 4

/**
 * The victim who types `bank.lab` (RFC 6797 §7.2's scenario) in Chromium's
 * address bar: it opens http://bank.lab/ (Chromium applies its own HSTS state
 * first, net/http/transport_security_state.cc, and follows redirects), clicks
 * "Sign in" until the form is in view and submits it wherever its action says
 * — http:// when an sslstrip proxy rewrote it. Repeated `target.visits` times
 * in the same profile, so HSTS learned on one visit holds on the next (the
 * "cached" scenario). The login URL is the POST's own, as Chromium sent it.
 */
async function typeBareName(page: Page, target: DriverTarget & { startUrl: string }, step: { name: string }): Promise<DriverOutcome> {
  let answer: Response | null = null
  for (let visit = 0; visit < (target.visits ?? 1); visit++) {
    step.name = `visit ${visit + 1}: open ${target.startUrl}`
    await page.goto(target.startUrl)
    for (let hop = 0; hop < MAX_PAGES && (await page.locator('form input[name="password"]').count()) === 0; hop++) {
      const signIn = page.locator('a[href*="/login"]').first()
      if ((await signIn.count()) === 0) break
      step.name = `visit ${visit + 1}: follow the sign-in link`
      await Promise.all([page.waitForURL((url) => url.pathname.includes('/login')), signIn.click()])
    }
    if ((await page.locator('form input[name="password"]').count()) === 0) {
      throw new Error(`no sign-in form reached from ${target.startUrl} (last page ${page.url()})`)
    }
    answer = await fillAndSubmit(page, target, step)
  }
  if (answer === null) throw new Error('typeBareName: no visit was played')
  const sentTo = answer.request().url()
  return {
    ...acceptedOutcome(`HTTP ${answer.status()} from ${sentTo}`, null),
    visitedHttpFirst: true,
    loginSentTo: sentTo,
  }
}

/**
 * Chromium keeps the HSTS hosts it knows beyond its compiled-in preload list
 * in `<profile>/Default/TransportSecurity` (net/http/transport_security_persister.cc,
 * format version 2): each host is the base64 SHA-256 of its DNS wire form
 * (TransportSecurityState::HashedHost), times in seconds since the epoch. The
 * lab's preloaded hosts are written there before launch, as if they were on
 * the list (RFC 6797 §12.3); bank.lab can never be on the real one.
 */
export function seedHstsState(profile: string, hosts: readonly string[]): void {
  if (hosts.length === 0) return
  mkdirSync(join(profile, 'Default'), { recursive: true })
  const observed = Date.now() / 1000
  const sts = hosts.map((host) => ({
    host: createHash('sha256').update(dnsWireName(host)).digest('base64'),
    sts_include_subdomains: true,
    sts_observed: observed,
    expiry: PRELOADED_UNTIL.getTime() / 1000,
    mode: 'force-https',
  }))
  writeFileSync(join(profile, 'Default', 'TransportSecurity'), JSON.stringify({ version: 2, sts }), { mode: 0o600 })
}

/** A name in DNS wire form (RFC 1035 §3.1): length-prefixed lowercase labels and the root's zero. */
function dnsWireName(host: string): Buffer {
  const labels = host.toLowerCase().replace(/\.$/, '').split('.')
  return Buffer.concat([...labels.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')])), Buffer.from([0])])
}
