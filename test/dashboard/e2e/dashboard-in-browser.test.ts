import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scenarios } from '../../../scenarios/index.js'
import { removeSharedPki, startDashboardFixture, type DashboardFixture } from '../../server/api/support/with-dashboard-server.js'
import { buildDashboardToTemp } from '../support/build-dashboard.js'
import { hasChromium, launchChromium, NO_CHROMIUM_REASON } from '../support/chromium.js'

/** Git-ignored (test-results/): the screenshots a reviewer looks at. */
const SCREENSHOT_DIR = join(process.cwd(), 'test-results', 'dashboard')

/** Scenarios whose catching step is settled lab knowledge (scenarios.md): a regression in any of them is a dashboard bug or a lab bug. */
const CLASSIC_CATCHES = [
  ['self-signed-leaf', 'TRUST'],
  ['wrong-host', 'HOST'],
  ['expired-leaf', 'DATES'],
  ['leaf-used-as-ca', 'BC'],
] as const

if (!hasChromium) process.stderr.write(`skipping the dashboard browser test: ${NO_CHROMIUM_REASON}\n`)

describe.skipIf(!hasChromium)('dashboard in a real browser (Debian chromium)', () => {
  let lab: DashboardFixture
  let browser: Browser
  let page: Page
  let distDir: string

  beforeAll(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true })
    distDir = await buildDashboardToTemp()
    lab = await startDashboardFixture({ dashboardDir: distDir })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
    page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`))
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await lab?.close()
    removeSharedPki()
    if (distDir !== undefined) rmSync(distDir, { recursive: true, force: true })
  })

  it('starts a run from the page and fills the matrix live with the expected catching steps', async () => {
    // The classic family keeps the test short; "Run all" takes the same path with every scenario.
    await page.goto(`${lab.base}/#tag=classic`)
    await page.getByTestId('start-tagged').waitFor()
    await expectNoBanner(page)
    // Record every status a cell shows, to prove cells fill in live (pending first) rather than all at once at the end.
    await page.evaluate(() => {
      const seen = new Set<string>()
      ;(window as unknown as { seenStatuses: Set<string> }).seenStatuses = seen
      new MutationObserver((mutations) => {
        for (const m of mutations) {
          const target = m.target as Element
          if (target instanceof Element && target.hasAttribute('data-status')) seen.add(target.getAttribute('data-status') ?? '')
          for (const node of m.addedNodes) if (node instanceof Element) node.querySelectorAll('[data-status]').forEach((el) => seen.add(el.getAttribute('data-status') ?? ''))
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] })
    })
    await page.getByTestId('start-tagged').click()
    await page.locator('[data-testid="run-status"]', { hasText: 'running' }).first().waitFor()
    await page.locator('[data-testid="run-status"]', { hasText: /passed|failed/ }).first().waitFor({ timeout: 45_000 })
    const seen = await page.evaluate(() => [...(window as unknown as { seenStatuses: Set<string> }).seenStatuses])
    expect(seen).toContain('pending')
    // The classic attacks, caught where the catalog says.
    for (const [scenarioId, step] of CLASSIC_CATCHES) {
      expect(await page.getByTestId(`cell-${scenarioId}-${step}`).getAttribute('data-catching'), `${scenarioId} caught by ${step}`).toBe('true')
    }
    // Every row that behaved as expected highlights exactly the catalog's catching step (none for accepted ones).
    const rows = await page.evaluate(() =>
      [...document.querySelectorAll('tr[data-testid^="row-"]')].map((row) => ({
        id: (row.getAttribute('data-testid') ?? '').slice('row-'.length),
        isUnexpected: row.classList.contains('unexpected'),
        catching: [...row.querySelectorAll('[data-catching="true"]')].map((cell) => (cell.getAttribute('data-testid') ?? '').split('-').at(-1)),
      })),
    )
    const classics = scenarios.filter((scenario) => scenario.tags.includes('classic'))
    expect(rows.map((row) => row.id).sort()).toEqual(classics.map((scenario) => scenario.id).sort())
    for (const row of rows.filter((r) => !r.isUnexpected)) {
      const expected = scenarios.find((scenario) => scenario.id === row.id)?.expect.step ?? null
      expect(row.catching, row.id).toEqual(expected === null ? [] : [expected])
    }
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'matrix.png') })
  }, 60_000)

  it('opens a scenario from the matrix and compares the chain it was shown with the genuine one', async () => {
    await page.getByTestId('cell-wrong-host-HOST').click()
    const detail = page.getByTestId('scenario-detail')
    await detail.waitFor()
    expect(await page.getByTestId('detail-title').textContent()).toContain('another host')
    expect(page.url()).toContain('scenario=wrong-host')
    expect(page.url()).toContain('step=HOST')
    expect(await page.getByTestId('chosen-step').textContent()).toContain('HOSTNAME_MISMATCH')
    const leafSubject = page.locator('[data-testid="chain-leaf"] [data-testid="field-Subject"]')
    expect(await leafSubject.getAttribute('data-differs')).toBe('true')
    expect(await leafSubject.locator('.presented').textContent()).toContain('evil.lab')
    expect(await leafSubject.locator('.genuine').textContent()).toContain('bank.lab')
    expect(await page.locator('[data-testid="chain-leaf"] [data-testid="field-Issuer"]').getAttribute('data-differs')).toBe('false')
    expect(await page.getByTestId('timeline-HOST').getAttribute('class')).toContain('catching')
    await detail.screenshot({ path: join(SCREENSHOT_DIR, 'scenario-detail.png') })
  }, 30_000)

  it('keeps the selection in the URL across a reload, and shows what the proxy read in the dark theme', async () => {
    const url = page.url().replace('scenario=wrong-host', 'scenario=self-signed-leaf').replace('step=HOST', 'step=TRUST')
    await page.goto(url)
    await page.reload()
    await page.getByTestId('scenario-detail').waitFor()
    expect(await page.getByTestId('detail-title').textContent()).toContain('Self-signed')
    expect(await page.getByTestId('chosen-step').textContent()).toContain('TRUST')
    expect(await page.getByTestId('proxy-view').textContent()).toContain('read nothing')
    await page.getByTestId('theme-toggle').click()
    await expect.poll(() => page.evaluate(() => document.documentElement.getAttribute('data-theme'))).toBe('dark')
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dark-theme.png'), fullPage: true })
  }, 30_000)

  it('replays the stored run from SQLite with the same matrix', async () => {
    const href = await page.getByTestId('replay-link').getAttribute('href')
    expect(href).toMatch(/#replay=/)
    const replay = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
    try {
      await replay.goto(new URL(href ?? '', `${lab.base}/`).toString())
      await replay.getByTestId('replay-badge').waitFor()
      await replay.locator('[data-testid="cell-wrong-host-HOST"][data-catching="true"]').waitFor({ timeout: 10_000 })
      const catchingIn = (p: Page): Promise<string[]> =>
        p.evaluate(() => [...document.querySelectorAll('[data-catching="true"]')].map((el) => el.getAttribute('data-testid') ?? '').sort())
      expect(await catchingIn(replay)).toEqual(await catchingIn(page))
      expect(await replay.getByTestId('start-all').count()).toBe(0)
    } finally {
      await replay.close()
    }
  }, 30_000)

  it('reconnects and resyncs after the server restarts', async () => {
    await lab.stop()
    await page.getByTestId('connection-banner').waitFor({ timeout: 10_000 })
    await lab.restart()
    await page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 15_000 })
    // A run started after the restart fills in live too: the installed interception CA, which nothing catches.
    await page.getByTestId('filter-tag').selectOption('')
    expect(page.url()).not.toContain('tag=')
    await page.getByTestId('start-one-select').selectOption('installed-interception-ca')
    await page.getByTestId('start-one').click()
    await expect.poll(() => page.getByTestId('leak-installed-interception-ca').textContent(), { timeout: 20_000 }).toBe('LEAKED')
    await page.getByTestId('open-installed-interception-ca').click()
    expect(await page.getByTestId('proxy-plaintext').textContent()).toContain('Plaintext credentials')
    expect(await page.locator('[data-testid="run-list"] li').count()).toBe(2)
  }, 40_000)
})

async function expectNoBanner(page: Page): Promise<void> {
  await page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 10_000 })
}
