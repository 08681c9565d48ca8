import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findScenario, type Scenario } from '../../scenarios/index.js'
import { runScenarios } from '../../scenarios/runner.js'
import {
  removeSharedPki,
  startDashboardFixture,
  type DashboardFixture,
} from '../server/api/support/with-dashboard-server.js'
import { buildDashboardToTemp } from './support/build-dashboard.js'
import { hasChromium, launchChromium, NO_CHROMIUM_REASON } from './support/chromium.js'

/** Git-ignored (test-results/): what a reviewer looks at. */
const SCREENSHOT_DIR = join(process.cwd(), 'test-results', 'screenshots')
const FINGERPRINT_SCENARIOS = ['interception-detected-by-server', 'interception-mirroring-client'] as const

if (!hasChromium)
  process.stderr.write(`skipping the ClientHello and training browser test: ${NO_CHROMIUM_REASON}\n`)

describe.skipIf(!hasChromium)(
  'ClientHello comparison and training mode in a real browser (Debian chromium)',
  () => {
    let lab: DashboardFixture
    let browser: Browser
    let page: Page
    let distDir: string
    let runId: string
    const pageErrors: string[] = []
    const foreignRequests: string[] = []

    beforeAll(async () => {
      mkdirSync(SCREENSHOT_DIR, { recursive: true })
      distDir = await buildDashboardToTemp()
      lab = await startDashboardFixture({ dashboardDir: distDir })
      const selected = FINGERPRINT_SCENARIOS.map((id) => findScenario(id)).filter(
        (s): s is Scenario => s !== undefined,
      )
      const { run } = await runScenarios(
        { pki: lab.pki, bus: lab.bus, store: lab.store },
        { scenarios: selected, trigger: 'test' },
      )
      runId = run.id
      browser = await launchChromium()
      page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
      page.on('pageerror', (error) => pageErrors.push(error.message))
      page.on('request', (request) => {
        if (!request.url().startsWith(lab.base)) foreignRequests.push(request.url())
      })
    }, 90_000)

    afterAll(async () => {
      await browser?.close()
      await lab?.close()
      removeSharedPki()
      if (distDir !== undefined) rmSync(distDir, { recursive: true, force: true })
    })

    it('highlights what differs in the proxy-built hello and shows the mirroring proxy as a match', async () => {
      for (const [id, verdict] of [
        ['interception-detected-by-server', 'intercepted'],
        ['interception-mirroring-client', 'match'],
      ] as const) {
        await page.goto(`${lab.base}/#run=${runId}&scenario=${id}`)
        const comparison = page.getByTestId('client-hello-comparison')
        await comparison.getByTestId('hello-table').waitFor()
        expect(await comparison.getByTestId('hello-verdict').textContent()).toBe(verdict)
        const differing = await comparison.locator('tr[data-differs="true"]').count()
        if (verdict === 'match') expect(differing).toBe(0)
        else {
          expect(differing).toBeGreaterThan(0)
          // The highlight is visible: a missing suite has a background, an unchanged one has none.
          const missing = comparison
            .locator('[data-testid="hello-field-cipherSuites"] td.sent li[data-mark="missing"]')
            .first()
          const same = comparison
            .locator('[data-testid="hello-field-cipherSuites"] td.sent li[data-mark="same"]')
            .first()
          const background = (locator: typeof missing): Promise<string> =>
            locator.evaluate((el) => getComputedStyle(el).backgroundColor)
          expect(await background(missing)).not.toBe(await background(same))
        }
        await comparison.screenshot({ path: join(SCREENSHOT_DIR, `client-hello-${id}.png`) })
      }
    })

    it('plays one training question end to end: name, prediction, live run, reveal, score', async () => {
      await page.goto(`${lab.base}/#view=training`)
      await page.getByTestId('training-name').fill('Ada')
      await page.locator('[data-testid="training-start"]:not([disabled])').click()
      await page.getByTestId('training-question').waitFor()
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'training-question.png'), fullPage: true })
      await page.getByTestId('predict-NONE').click()
      await page.getByTestId('training-submit').click()
      await page.getByTestId('training-reveal').waitFor({ timeout: 30_000 })
      expect(await page.getByTestId('reveal-predicted').textContent()).toBe('NONE')
      expect(await page.getByTestId('score-Ada').textContent()).toMatch(/[01]\/1/)
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'training-reveal.png'), fullPage: true })
      await page.getByTestId('theme-toggle').click()
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'training-reveal-dark.png'), fullPage: true })
      await page.getByTestId('training-toggle').click()
      await page.getByTestId('matrix-run-id').or(page.getByTestId('matrix-empty')).first().waitFor()
    })

    // Issue 18: a reload mid-quiz resumes at the same question with the same score.
    it('resumes a quiz after a reload: the same question, the same tally', async () => {
      // A tab of its own: the quiz is kept per tab (sessionStorage), and the test above left one open.
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
      page.on('pageerror', (error) => pageErrors.push(error.message))
      try {
        await page.goto(`${lab.base}/#view=training`)
        await page.getByTestId('training-name').fill('Grace')
        await page.locator('[data-testid="training-start"]:not([disabled])').click()
        await page.getByTestId('training-question').waitFor()
        await page.getByTestId('predict-NONE').click()
        await page.getByTestId('training-submit').click()
        await page.getByTestId('training-reveal').waitFor({ timeout: 30_000 })
        await page.getByTestId('training-next').click()
        await page.getByTestId('training-question').waitFor()
        const question = await page.getByTestId('training-question').getAttribute('data-scenario-id')
        const tally = await page.getByTestId('training-tally').textContent()
        expect(tally).toMatch(/^Grace · [01]\/1 correct$/)
        await page.reload()
        await page.getByTestId('training-question').waitFor()
        expect(await page.getByTestId('training-question').getAttribute('data-scenario-id')).toBe(question)
        expect(await page.getByTestId('training-tally').textContent()).toBe(tally)
      } finally {
        await page.close()
      }
    }, 60_000)

    // Issue 18 item 9: the sitting is the server's, so a server restart mid-quiz loses nothing either.
    it('resumes a quiz from the server after a server restart and a reload: the same question, the same tally', async () => {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
      page.on('pageerror', (error) => pageErrors.push(error.message))
      try {
        await page.goto(`${lab.base}/#view=training`)
        await page.getByTestId('training-name').fill('Hedy')
        await page.locator('[data-testid="training-start"]:not([disabled])').click()
        await page.getByTestId('training-question').waitFor()
        await page.getByTestId('predict-NONE').click()
        await page.getByTestId('training-submit').click()
        await page.getByTestId('training-reveal').waitFor({ timeout: 30_000 })
        await page.getByTestId('training-next').click()
        await page.getByTestId('training-question').waitFor()
        const question = await page.getByTestId('training-question').getAttribute('data-scenario-id')
        const tally = await page.getByTestId('training-tally').textContent()
        expect(tally).toMatch(/^Hedy · [01]\/1 correct$/)
        await lab.restart()
        // What this tab kept is only the sitting's id: a tally and place edited in it must not be what comes back.
        await page.evaluate(() => {
          const saved = JSON.parse(window.sessionStorage.getItem('mitmlab:training') ?? '{}') as Record<string, unknown>
          window.sessionStorage.setItem('mitmlab:training', JSON.stringify({ ...saved, index: 0, tally: { answered: 9, correct: 9 } }))
        })
        await page.reload()
        await page.getByTestId('training-question').waitFor()
        expect(await page.getByTestId('training-question').getAttribute('data-scenario-id')).toBe(question)
        expect(await page.getByTestId('training-tally').textContent()).toBe(tally)
        await page.screenshot({ path: join(SCREENSHOT_DIR, 'training-resumed-after-server-restart.png'), fullPage: true })
      } finally {
        await page.close()
      }
    }, 90_000)

    it('raised no page error and made no request outside the lab', () => {
      expect(pageErrors).toEqual([])
      expect(foreignRequests).toEqual([])
    })
  },
)
