import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findScenario } from '../../../scenarios/index.js'
import { runScenarios } from '../../../scenarios/runner.js'
import { curlDriver } from '../../../server/drivers/curl-driver.js'
import { createNodeHttpsDriver } from '../../../server/drivers/node-https-driver.js'
import { removeSharedPki, startDashboardFixture, type DashboardFixture } from '../../server/api/support/with-dashboard-server.js'
import { buildDashboardToTemp } from '../support/build-dashboard.js'
import { hasChromium, launchChromium, NO_CHROMIUM_REASON } from '../support/chromium.js'

/** Git-ignored (test-results/): the screenshots a reviewer looks at (issue 18's closing note lists them). */
const SCREENSHOT_DIR = join(process.cwd(), 'test-results', 'screenshots')
const VIEWPORTS = { '1440': { width: 1440, height: 900 }, '390': { width: 390, height: 844 } } as const
const SCENARIO_IDS = ['direct-connection', 'wrong-host', 'installed-interception-ca', 'sslstrip-first-visit'] as const
/** The dashboard behind a token, as `mitmlab serve` bound beyond loopback runs it: downloads must carry it too. */
const TOKEN = 'a-long-enough-token-for-the-browser'

if (!hasChromium) process.stderr.write(`skipping the proxy-flows and downloads browser test: ${NO_CHROMIUM_REASON}\n`)

describe.skipIf(!hasChromium)('what the proxy read and the downloads, in a real browser (Debian chromium)', () => {
  let lab: DashboardFixture
  let browser: Browser
  let distDir: string
  let runId: string

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true })
    distDir = await buildDashboardToTemp()
    lab = await startDashboardFixture({ dashboardDir: distDir, token: TOKEN })
    const picked = SCENARIO_IDS.map((id) => findScenario(id) ?? raise(`no scenario ${id}`))
    const drivers = [createNodeHttpsDriver({ insecure: false }), curlDriver]
    runId = (await runScenarios({ pki: lab.pki, bus: lab.bus, store: lab.store, drivers }, { scenarios: picked, trigger: 'test', options: { scenarios: [...SCENARIO_IDS], clients: ['node-https', 'curl'] } })).run.id
    browser = await launchChromium()
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await lab?.close()
    removeSharedPki()
    if (distDir !== undefined) rmSync(distDir, { recursive: true, force: true })
  })

  async function open(hash: string, viewport: { width: number; height: number }): Promise<Page> {
    const page = await browser.newPage({ viewport, acceptDownloads: true })
    page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`))
    await page.goto(`${lab.base}/?token=${TOKEN}${hash}`)
    return page
  }

  for (const [width, viewport] of Object.entries(VIEWPORTS)) {
    it(`${width} px: the multi-client matrix, the detail after a click, the proxy's flows and the downloads`, async () => {
      const page = await open(`#run=${runId}`, viewport)
      try {
        await page.getByTestId('client-matrix').waitFor()
        expect(await page.getByTestId('pair-wrong-host-curl').getAttribute('data-verdict')).toBe('caught')
        await page.screenshot({ path: join(SCREENSHOT_DIR, `multi-client-matrix-${width}.png`), fullPage: width === '390' })
        await page.getByTestId('pair-installed-interception-ca-curl').click()
        await page.getByTestId('detail-title').waitFor()
        await inViewport(page, '[data-testid="detail-title"]')
        await page.screenshot({ path: join(SCREENSHOT_DIR, `detail-after-click-${width}.png`) })

        // The proxy's own flow of curl's login: the form it decrypted and the bank's answer it read upstream.
        const login = page.locator('[data-testid="proxy-flows"] li', { has: page.locator('.flow-method', { hasText: /^POST$/ }) }).first()
        await login.scrollIntoViewIfNeeded()
        expect(await login.locator('.flow-fields mark.credential').allTextContents()).toEqual(['alice', 'correct-horse-battery-staple'])
        const response = login.getByTestId('flow-response')
        await response.locator('summary').click()
        expect(await response.locator('summary').textContent()).toMatch(/^Response 302 Found, read on the bank → proxy leg/)
        expect(await response.locator('dd.credential').count()).toBe(1)
        await page.getByTestId('proxy-view').screenshot({ path: join(SCREENSHOT_DIR, `proxy-flows-${width}.png`) })

        // Downloads: the buttons for this run and result, and a sentence where there is no file.
        const downloads = page.getByTestId('downloads')
        await downloads.getByTestId('download-report-html').waitFor()
        await downloads.scrollIntoViewIfNeeded()
        expect(await downloads.getByTestId('download-pcap-unavailable').textContent()).toContain('curl is a real client')
        expect(await downloads.getByTestId('download-forged-chain').isVisible()).toBe(true)
        await downloads.screenshot({ path: join(SCREENSHOT_DIR, `downloads-${width}.png`) })
        expect(await horizontalOverflow(page)).toBe(0)
      } finally {
        await page.close()
      }
    }, 90_000)
  }

  it('a deep link restores the detail in view, and clicking a download saves the file under the server’s name', async () => {
    for (const [width, viewport] of Object.entries(VIEWPORTS)) {
      const page = await open(`#run=${runId}&scenario=sslstrip-first-visit&client=lab-verifier`, viewport)
      try {
        await page.getByTestId('detail-panel').waitFor()
        await inViewport(page, '[data-testid="detail-title"]')
        await page.screenshot({ path: join(SCREENSHOT_DIR, `detail-deep-link-${width}.png`) })
        if (width !== '1440') continue
        // sslstrip: the proxy read the plain-HTTP login, and shows the bank's answer it fetched over TLS itself.
        const strippedLogin = page.locator('[data-testid="proxy-flows"] li', { has: page.locator('.flow-method', { hasText: /^POST$/ }) }).first()
        expect(await strippedLogin.locator('.flow-url').textContent()).toBe('http://bank.lab/login')
        expect(await strippedLogin.locator('.flow-fields mark.credential').allTextContents()).toEqual(['alice', 'correct-horse-battery-staple'])
        const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-report-md').click()])
        expect(report.suggestedFilename()).toBe(`mitmlab-${runId}.md`)
        const saved = await report.path()
        expect(readFileSync(saved, 'utf8')).toContain('sslstrip-first-visit')
        // The http-first victim keeps no capture: said in words, no button.
        expect(await page.getByTestId('download-pcap-unavailable').textContent()).toContain('no capture to download')
        await page.goto(`${lab.base}/#run=${runId}&scenario=wrong-host&client=lab-verifier`)
        await page.getByTestId('download-pcap').waitFor()
        const [pcap] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pcap').click()])
        expect(pcap.suggestedFilename()).toBe('wrong-host--lab-verifier.pcap')
        expect(readFileSync(await pcap.path()).subarray(0, 4).toString('hex')).toBe('d4c3b2a1')
      } finally {
        await page.close()
      }
    }
  }, 90_000)
})

function raise(message: string): never {
  throw new Error(message)
}

function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
}

async function inViewport(page: Page, selector: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 0, height: 0 }
  await expect
    .poll(async () => {
      const box = await page.locator(selector).first().boundingBox()
      return box !== null && box.y >= 0 && box.y + box.height <= viewport.height && box.x >= 0 && box.x + box.width <= viewport.width + 1
    }, { message: `${selector} is in the ${viewport.width}×${viewport.height} viewport` })
    .toBe(true)
}
