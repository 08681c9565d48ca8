import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumDriver } from '../../../server/drivers/chromium-driver.js'
import { createNssHome, type NssHome } from '../../../server/drivers/nss-database.js'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'
import { startOpenLab, type OpenLab } from '../../../server/open/open-lab.js'
import { VisitorStore } from '../../../server/open/visitor-store.js'
import { formatHtmlReport } from '../../../server/report/format-html.js'
import { findingOf, loadRunReport } from '../../../server/report/run-report.js'
import { LabStore } from '../../../server/store/lab-store.js'
import { testPki } from '../../support/lab-pki.js'
import { runWithClients } from '../drivers/run-with-clients.js'
import { openScenarios } from './open-scenarios.js'

// Issue 20 acceptance (a): Debian's chromium, trusting the lab roots from an NSS database (no bypass flag) and
// reaching the lab only through the PAC file, runs the self-test page; its report card must equal, scenario by
// scenario, what the lab-driven chromium (`--clients chromium`) records for the same scenarios.
const SUBSET = [
  'direct-connection',
  'tcp-passthrough',
  'self-signed-leaf',
  'wrong-host',
  'expired-leaf',
  'leaf-used-as-ca',
  'installed-interception-ca',
]
const SCREENSHOTS = join(process.cwd(), 'test-results')

const availability = await chromiumDriver.availability()
const title = `the self-test page in Debian chromium through the PAC file${availability.isAvailable ? '' : ` (skipped: ${availability.reason})`}`

describe.skipIf(!availability.isAvailable)(title, () => {
  let dir: string
  let store: LabStore
  let lab: OpenLab
  let nss: NssHome
  let browser: Browser
  let visitRunId = ''
  let visitResults: ScenarioResult[] = []
  let driven: ScenarioResult[] = []
  let summaryText = ''

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mitmlab-open-chromium-'))
    store = new LabStore(join(dir, 'mitmlab.sqlite'))
    lab = await startOpenLab({ pki: testPki(), scenarios: openScenarios(SUBSET), store })
    // The roots the lab's victim trusts (stage-scenario.ts victimPolicy): the public lab root and the installed corporate CA.
    const caFile = join(dir, 'roots.pem')
    writeFileSync(caFile, testPki().trustedRoot.pem + testPki().interceptionCa.pem)
    nss = await createNssHome(caFile)
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', `--proxy-pac-url=${lab.pacUrl}`],
      env: { ...process.env, HOME: nss.home },
    })
    const page = await browser.newPage()
    await page.goto(lab.selfTestUrl)
    await page.waitForSelector('#summary[data-state="finished"]', { timeout: 90_000 })
    summaryText = (await page.textContent('#summary')) ?? ''
    mkdirSync(SCREENSHOTS, { recursive: true })
    await page.screenshot({ path: join(SCREENSHOTS, 'open-lab-selftest.png'), fullPage: true })
    visitRunId = /run (\S+) \(/.exec(summaryText)?.[1] ?? ''
    visitResults = store.getResults(visitRunId)
    // The same scenarios, driven by the lab: chromium with --host-resolver-rules, as `mitmlab run --clients chromium`.
    driven = (await runWithClients(testPki(), SUBSET, [chromiumDriver])).filter((result) => result.clientId === 'chromium')
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    nss?.remove()
    await lab?.close()
    store?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('probes every scenario of the subset and stores the visit as a run', () => {
    expect(visitRunId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/)
    expect(store.getRun(visitRunId)?.trigger).toBe('open-lab')
    expect(visitResults.map((result) => result.scenarioId).sort()).toEqual([...SUBSET].sort())
  })

  it('has the report card of the lab-driven chromium, scenario by scenario', () => {
    const card = (results: readonly ScenarioResult[]): Record<string, { verdict: string; finding: string; asExpected: boolean }> =>
      Object.fromEntries(
        SUBSET.map((id) => {
          const result = results.find((candidate) => candidate.scenarioId === id)
          return [id, result === undefined ? { verdict: 'missing', finding: 'missing', asExpected: false } : { verdict: result.verdict, finding: findingOf(result), asExpected: result.asExpected }]
        }),
      )
    expect(card(visitResults)).toEqual(card(driven))
    // And what that card is, written out: controls accepted, attacks refused, the installed CA accepted (no check catches it).
    expect(Object.fromEntries(visitResults.map((result) => [result.scenarioId, result.verdict]))).toEqual({
      'direct-connection': 'accept',
      'tcp-passthrough': 'accept',
      'self-signed-leaf': 'reject',
      'wrong-host': 'reject',
      'expired-leaf': 'reject',
      'leaf-used-as-ca': 'reject',
      'installed-interception-ca': 'accept',
    })
  })

  it('decides from the wire: the accepted attack leaked the login to the proxy, the refused ones aborted the handshake', () => {
    const leaked = visitResults.filter((result) => result.leaked).map((result) => result.scenarioId)
    expect(leaked).toEqual(['installed-interception-ca'])
    const refused = visitResults.filter((result) => result.verdict === 'reject')
    expect(refused.map((result) => result.external?.rawError?.startsWith('the browser aborted the handshake'))).toEqual(refused.map(() => true))
  })

  it('attributes the visit to a visitor: address, JA4 and User-Agent', () => {
    const [visitor, ...others] = new VisitorStore(store).listVisitors()
    expect(others).toEqual([])
    expect(visitor?.address).toBe('127.0.0.1')
    expect(visitor?.ja4).toMatch(/^t13d\d{4}h[12]_[0-9a-f]{12}_[0-9a-f]{12}$/)
    expect(visitor?.userAgent).toContain('Chrome/')
    expect(visitor?.visits.map((visit) => visit.runId)).toEqual([visitRunId])
    expect(visitor?.connectionCount).toBeGreaterThanOrEqual(SUBSET.length + 1)
    expect(summaryText).toContain('Grade A')
  })

  it('exports the visitor’s report card with the existing report formats', async () => {
    const html = formatHtmlReport(loadRunReport(store, visitRunId, testPki()))
    const clientId = visitResults[0]?.clientId ?? ''
    expect(clientId).toMatch(/^visitor-[0-9a-f]{12}$/)
    expect(html).toContain(clientId)
    const page = await browser.newPage()
    await page.setContent(html)
    await page.screenshot({ path: join(SCREENSHOTS, 'open-lab-visitor-report-card.png'), fullPage: true })
    await page.close()
  })
})
