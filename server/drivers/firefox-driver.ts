import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import puppeteer, { type Browser, type HTTPRequest, type HTTPResponse, type Page } from 'puppeteer-core'
import { LabError } from '../errors.js'
import type { ClientDriver, DriverAvailability, DriverOutcome, DriverTarget } from './client-driver.js'
import { acceptedOutcome, rejectedOutcome } from './error-table.js'
import { errorPageCode, firefoxErrorCode, FIREFOX_ERROR_TABLE } from './firefox-errors.js'
import { createFirefoxProfile, type FirefoxProfile } from './firefox-profile.js'
import { runProcess, versionOf } from './run-process.js'
import { loginUrl } from './target-url.js'

const FIREFOX = '/usr/bin/firefox-esr'
/** Pages between the typed name and the sign-in form (home → "Sign in" → form), as in http-first-visit.ts. */
const MAX_PAGES = 4
/**
 * Starting Firefox is not the scenario's network: its own budget, which the
 * runner's per-scenario limit still bounds. On a loaded 2-core machine a cold
 * start alone took 12-28 s (measured); idle, about 3 s.
 */
const LAUNCH_TIMEOUT_MS = 60_000

/**
 * Debian's Firefox ESR, headless, driven by puppeteer-core over WebDriver
 * BiDi (W3C; Firefox's remote agent), as a person would use it: a fresh
 * profile whose NSS database trusts exactly the victim's roots, bank.lab
 * reached through the scenario's CONNECT tunnel set as Firefox's proxy (the
 * hijacked resolver), no certificate-bypass pref or flag. Its verifier is
 * mozilla::pkix (security/certverifier), not NSS's classic CERT_VerifyCert
 * that nss-tstclnt runs. It loads the login page, fills and submits the
 * form; the verdict is the POST's response or the code that stopped it.
 */
export const firefoxDriver: ClientDriver = {
  id: 'firefox-esr',
  title: 'Firefox ESR (mozilla::pkix, headless over WebDriver BiDi, profile NSS roots, no bypass prefs)',
  availability: () => firefoxAvailability(),
  run: (target) => runFirefox(target),
  startupBudgetMs: LAUNCH_TIMEOUT_MS,
}

async function firefoxAvailability(): Promise<DriverAvailability> {
  if (!existsSync(FIREFOX)) return { isAvailable: false, reason: `${FIREFOX} is missing (Debian package firefox-esr)` }
  const certutil = await runProcess({ command: 'certutil', args: ['-H'], timeoutMs: 10_000 })
  if (certutil.spawnError !== null)
    return { isAvailable: false, reason: 'certutil is missing (Debian package libnss3-tools)' }
  const version = await versionOf(FIREFOX, ['--version'])
  return 'version' in version
    ? { isAvailable: true, version: version.version }
    : { isAvailable: false, reason: version.reason }
}

/** What the driver was doing when Firefox stopped, for the raw error. */
interface Progress {
  name: string
}

async function runFirefox(target: DriverTarget): Promise<DriverOutcome> {
  const profile = await createFirefoxProfile(target)
  let browser: Browser
  try {
    browser = await launch(profile)
  } catch (error) {
    profile.remove()
    // Not the client's verdict: Firefox never got as far as a connection.
    throw new LabError('CLIENT_FAILED', `firefox-esr did not start: ${(error as Error).message.split('\n')[0] ?? ''}`)
  }
  const progress: Progress = { name: 'load the login page' }
  const isHttpFirst = target.startUrl?.startsWith('http:') === true
  try {
    const [page = await browser.newPage()] = await browser.pages()
    page.setDefaultTimeout(target.timeoutMs)
    page.setDefaultNavigationTimeout(target.timeoutMs)
    if (isHttpFirst && target.startUrl !== undefined) return await typeBareName(browser, page, { ...target, startUrl: target.startUrl }, progress)
    await page.goto(loginUrl(target))
    const response = await submitLogin(page, target, progress)
    return acceptedOutcome(`HTTP ${response.status()} ${response.headers()['location'] ?? ''}`.trim(), null)
  } catch (error) {
    const refused = profile.refusedRoots.map((root) => `certutil refused ${root}: not trusted\n`).join('')
    const outcome = rejectedOutcome(FIREFOX_ERROR_TABLE, await rawError(browser, error, progress), null, `${refused}${(error as Error).message}`)
    return isHttpFirst ? { ...outcome, visitedHttpFirst: true } : outcome
  } finally {
    await browser.close().catch(() => undefined)
    profile.remove()
  }
}

function launch(profile: FirefoxProfile): Promise<Browser> {
  // Firefox writes caches and crash data under $HOME: a home inside the throwaway profile keeps runs apart.
  const home = join(profile.directory, 'home')
  mkdirSync(home, { recursive: true })
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile.directory,
    extraPrefsFirefox: profile.prefs,
    timeout: LAUNCH_TIMEOUT_MS,
    // handleSIGINT/SIGTERM/SIGHUP stay on: Firefox runs in its own process group, so a lab stopped by a signal must
    // kill it (puppeteer does, then exits) or it outlives the run.
    env: { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, '.cache'), MOZ_CRASHREPORTER_DISABLE: '1' },
  })
}

/**
 * Fills and submits the bank's form on the current page, and waits for the
 * login POST's fate: a response (whatever its status) or the error that
 * failed it (e.g. the form's host is not in the certificate). Never waits out the timeout for an answer that came.
 */
async function submitLogin(page: Page, target: DriverTarget, progress: Progress): Promise<HTTPResponse> {
  progress.name = 'fill the form'
  await page.locator('input[name="username"]').fill(target.credentials.username)
  await page.locator('input[name="password"]').fill(target.credentials.password)
  progress.name = 'submit the form'
  const isLoginPost = (request: HTTPRequest): boolean => request.method() === 'POST' && new URL(request.url()).pathname === '/login'
  const posted = new Promise<HTTPResponse | Error>((resolve) => {
    page.on('response', (response) => {
      if (isLoginPost(response.request())) resolve(response)
    })
    page.on('requestfailed', (request) => {
      if (isLoginPost(request)) resolve(new Error(request.failure()?.errorText ?? 'the login POST failed'))
    })
  })
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<Error>((resolve) => {
    timer = setTimeout(() => resolve(new Error(`no response to the login POST within ${target.timeoutMs} ms`)), target.timeoutMs)
  })
  try {
    await page.click('button[type="submit"]')
    const answer = await Promise.race([posted, timedOut])
    if (answer instanceof Error) throw answer
    return answer
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The victim types bank.lab: Firefox opens http://bank.lab/ (applying its own
 * HSTS state and HTTPS-First policy, whatever this version does by default),
 * follows redirects, the "Sign in" link and posts the form wherever it
 * says — the pages and patterns of http-first-visit.ts, walked by the
 * browser. Repeated `target.visits` times in the same profile, so HSTS noted
 * on one visit holds on the next.
 */
async function typeBareName(
  browser: Browser,
  firstPage: Page,
  target: DriverTarget & { startUrl: string },
  progress: Progress,
): Promise<DriverOutcome> {
  let response: HTTPResponse | null = null
  let page = firstPage
  for (let visit = 0; visit < (target.visits ?? 1); visit++) {
    if (visit > 0) {
      // A later visit types the name in a new tab of the same profile (same HSTS store): the previous tab may still
      // be following the login's redirect, and a navigation on top of it is aborted ("A new navigation…").
      page = await browser.newPage()
      page.setDefaultTimeout(target.timeoutMs)
      page.setDefaultNavigationTimeout(target.timeoutMs)
    }
    progress.name = `visit ${visit + 1}: open ${target.startUrl}`
    await page.goto(target.startUrl)
    for (let hop = 0; hop < MAX_PAGES; hop++) {
      if ((await page.$('form input[name="password"]')) !== null) break
      const signIn = await page.$('a[href*="/login"]')
      if (signIn === null) throw new Error(`no sign-in form reached from ${target.startUrl} (last page ${page.url()})`)
      progress.name = `visit ${visit + 1}: follow the sign-in link from ${page.url()}`
      await Promise.all([page.waitForNavigation(), signIn.click()])
    }
    response = await submitLogin(page, target, progress)
  }
  if (response === null) throw new Error('typeBareName: no visit was played')
  return {
    ...acceptedOutcome(`HTTP ${response.status()} from ${response.url()}`, null),
    visitedHttpFirst: true,
    loginSentTo: response.url(),
  }
}

/** Firefox's own code for the failure, else its error page's, else the driver's words. */
async function rawError(browser: Browser, error: unknown, progress: Progress): Promise<string> {
  const message = (error as Error).message
  const code = firefoxErrorCode(message)
  if (code !== null) return `${code} (${progress.name})`
  const pages = await browser.pages().catch(() => [])
  for (const page of pages) {
    const uri = await page.evaluate(() => document.documentURI).catch(() => null)
    const fromPage = uri === null ? null : errorPageCode(uri)
    if (fromPage !== null) return `${fromPage} (${progress.name})`
  }
  return `${progress.name}: ${message.split('\n')[0] ?? ''}`
}
