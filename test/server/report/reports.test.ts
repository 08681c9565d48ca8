import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defineScenario, findScenario, type Scenario } from '../../../scenarios/index.js'
import { runScenarios } from '../../../scenarios/runner.js'
import { LabBus } from '../../../server/bus/lab-bus.js'
import { diffRuns } from '../../../server/report/diff-runs.js'
import { exportCapture, writeKeyLog } from '../../../server/report/export-capture.js'
import { startLoopbackCapture } from '../../../server/report/loopback-capture.js'
import { formatHtmlReport } from '../../../server/report/format-html.js'
import { formatJunitReport } from '../../../server/report/format-junit.js'
import { formatMarkdownReport } from '../../../server/report/format-markdown.js'
import { loadRunReport, type RunReport } from '../../../server/report/run-report.js'
import { LabStore } from '../../../server/store/lab-store.js'
import { decodeConnection } from '../../../server/tls/handshake/decode-connection.js'
import { testPki } from '../../support/lab-pki.js'

const pki = testPki()
const CHROMIUM = '/usr/bin/chromium'
const hasTshark = spawnSync('tshark', ['--version']).status === 0
let store: LabStore
let first: RunReport
let second: RunReport

function scenario(id: string): Scenario {
  const found = findScenario(id)
  if (found === undefined) throw new Error(`no scenario ${id}`)
  return found
}

beforeAll(async () => {
  store = new LabStore(join(mkdtempSync(join(tmpdir(), 'mitmlab-report-')), 'mitmlab.sqlite'))
  const env = { pki, bus: new LabBus(), store }
  const a = await runScenarios(env, {
    scenarios: [scenario('direct-connection'), scenario('wrong-host'), scenario('installed-interception-ca')],
    trigger: 'test',
  })
  // The same interception against a client that now pins the bank's key: what `diff` must show.
  const { clientPolicy: _unused, ...unpinned } = scenario('installed-interception-ca')
  const pinnedNow = defineScenario({
    ...unpinned,
    clientPolicy: scenario('installed-interception-ca-pinned').clientPolicy ?? (() => ({})),
    expect: { verdict: 'reject', step: 'PIN' },
  })
  const b = await runScenarios(env, { scenarios: [scenario('direct-connection'), pinnedNow], trigger: 'test' })
  first = loadRunReport(store, a.run.id, pki)
  second = loadRunReport(store, b.run.id, pki)
})

afterAll(() => store.close())

describe('formatJunitReport', () => {
  it('is well-formed JUnit: testsuites > testsuite per client > testcase per scenario, with counts', () => {
    const xml = formatJunitReport(first)
    expect(XMLValidator.validate(xml)).toBe(true)
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
      testsuites: { tests: string; failures: string; errors: string; testsuite: { name: string; tests: string; testcase: { name: string; classname: string; time: string; failure?: { type: string; message: string } }[] } }
    }
    // The installed interception CA is accepted as expected (no check catches it): not a failure (issue 18).
    expect(doc.testsuites).toMatchObject({ tests: '3', failures: '0', errors: '0' })
    expect(doc.testsuites.testsuite).toMatchObject({ name: 'lab-verifier', tests: '3' })
    const cases = doc.testsuites.testsuite.testcase
    expect(cases.map((c) => c.name.split(' ')[0])).toEqual(['direct-connection', 'wrong-host', 'installed-interception-ca'])
    for (const testCase of cases) {
      expect(testCase.classname).toBe('mitmlab.lab-verifier')
      expect(Number(testCase.time)).toBeGreaterThan(0)
    }
  })

  it('does not fail an attack no check catches (the lesson), and still explains it', () => {
    const xml = formatJunitReport(first)
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
      testsuites: { testsuite: { testcase: { name: string; failure?: unknown; 'system-out'?: string }[] } }
    }
    const cases = doc.testsuites.testsuite.testcase
    expect(cases.filter((c) => c.failure !== undefined)).toEqual([])
    const installed = cases.find((c) => c.name.startsWith('installed-interception-ca'))
    expect(installed?.['system-out']).toContain('finding: accepted-undetectable')
    expect(installed?.['system-out']).toContain('Corporate TLS inspection')
  })
})

describe('formatMarkdownReport', () => {
  it('puts the accepted attack first, and does not count one no check catches as a false accept', () => {
    const markdown = formatMarkdownReport(first)
    expect(markdown).toContain('**0 attacks accepted** that a check catches')
    expect(markdown).toMatch(/^### mitmlab run `[^`]+` — passed$/m)
    const rows = markdown.split('\n').filter((line) => line.startsWith('| `'))
    expect(rows[0]).toMatch(/^\| `installed-interception-ca` \| lab-verifier \| \(accept\) \| — \| accept \| \*\*yes\*\* \| accepted \(no check catches it\)/)
    expect(rows).toHaveLength(3)
  })
})

describe('diffRuns', () => {
  it('names the scenario whose verdict changed, and the one that disappeared', () => {
    const changes = diffRuns(first, second)
    expect(changes).toEqual([
      {
        scenarioId: 'installed-interception-ca',
        clientId: 'lab-verifier',
        kind: 'changed',
        before: { verdict: 'accept', catchingStep: null, code: null, leaked: true },
        after: { verdict: 'reject', catchingStep: 'PIN', code: 'PIN_MISMATCH', leaked: false },
      },
      {
        scenarioId: 'wrong-host',
        clientId: 'lab-verifier',
        kind: 'removed',
        before: { verdict: 'reject', catchingStep: 'HOST', code: 'HOSTNAME_MISMATCH', leaked: false },
        after: null,
      },
    ])
  })
})

describe('formatHtmlReport', () => {
  it.skipIf(!existsSync(CHROMIUM))('renders in headless Chromium without a single network request', async () => {
    const dir = join(process.cwd(), 'test-results', 'screenshots')
    mkdirSync(dir, { recursive: true })
    const file = join(mkdtempSync(join(tmpdir(), 'mitmlab-html-')), 'report.html')
    writeFileSync(file, formatHtmlReport(first))
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    try {
      const page = await browser.newPage()
      const requests: string[] = []
      page.on('request', (request) => requests.push(request.url()))
      await page.goto(`file://${file}`)
      expect(requests).toEqual([`file://${file}`])
      expect(await page.locator('table.matrix tbody tr').count()).toBe(3)
      expect(await page.locator('td.catch').count()).toBe(1)
      // Folded: the summary line gives the outcome; the card opens on demand (issue 18).
      await expect(page.locator('#wrong-host > summary').innerText()).resolves.toContain('lab-verifier: Stopped at HOST')
      await expect(page.locator('#wrong-host--lab-verifier').isVisible()).resolves.toBe(false)
      await page.locator('#wrong-host > summary').click()
      await expect(page.locator('#wrong-host--lab-verifier').innerText()).resolves.toContain('Stopped at HOST')
      // The presented evil.lab leaf differs from the genuine bank.lab leaf in subject and SANs.
      expect(await page.locator('#wrong-host--lab-verifier tr.diff').count()).toBeGreaterThan(2)
      await page.screenshot({ path: join(dir, 'html-report.png'), fullPage: true })
    } finally {
      await browser.close()
    }
  })
})

describe('exportCapture', () => {
  it('writes a 0600 key log and a pcap per result whose records the key log opens', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mitmlab-capture-'))
    const exported = exportCapture(first.results, dir)
    expect(exported.pcapFiles).toHaveLength(3)
    expect(statSync(exported.keyLogFile).mode & 0o777).toBe(0o600)
    const intercepted = first.results.find((r) => r.scenarioId === 'installed-interception-ca')
    const wire = intercepted?.client?.wire
    if (wire === undefined) throw new Error('no wire capture')
    const bytes = (from: 'client' | 'server'): Buffer =>
      Buffer.concat(wire.segments.filter((s) => s.from === from).map((s) => Buffer.from(s.base64, 'base64')))
    // Re-derive the TLS 1.3 traffic keys from the key log and open every record.
    const transcript = decodeConnection({ clientToServer: bytes('client'), serverToClient: bytes('server'), keylog: wire.keyLog })
    expect(transcript.errors).toEqual([])
    expect(transcript.totals.clientToServer.applicationRecords).toBeGreaterThanOrEqual(1)
    expect(transcript.totals.clientToServer.undecodedRecords).toBe(0)
  })

  it.skipIf(!hasTshark)('lets tshark decrypt the stolen login with the exported key log', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mitmlab-capture-'))
    const exported = exportCapture(first.results, dir)
    const pcap = exported.pcapFiles.find((file) => file.includes('installed-interception-ca'))
    const result = spawnSync(
      'tshark',
      ['-r', pcap ?? '', '-o', `tls.keylog_file:${exported.keyLogFile}`, '-Y', 'http.request', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.request.uri', '-e', 'urlencoded-form.value'],
      { encoding: 'utf8' },
    )
    expect(result.stdout.trim()).toBe('POST\t/login\talice,correct-horse-battery-staple')
  })
})

describe('startLoopbackCapture', () => {
  const hasDumpcap = spawnSync('dumpcap', ['--version']).status === 0
  it.skipIf(!hasDumpcap || !hasTshark)('captures both legs of an interception, and the run key log opens both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mitmlab-pcap-'))
    const capture = await startLoopbackCapture(join(dir, 'lab.pcapng'))
    if (!capture.isRunning) throw new Error(capture.reason)
    const { results } = await runScenarios({ pki, bus: new LabBus(), store: null }, { scenarios: [scenario('installed-interception-ca')], trigger: 'test' })
    await capture.stop()
    const keylog = join(dir, 'lab.keylog')
    writeKeyLog(results, keylog)
    const tshark = (filter: string, fields: string[]): string[][] =>
      spawnSync('tshark', ['-r', capture.file, '-o', `tls.keylog_file:${keylog}`, '-Y', filter, '-T', 'fields', ...fields.flatMap((field) => ['-e', field])], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.split('\t'))
    // The loopback capture holds every process's traffic on this machine: another lab run beside this
    // test (a NULL-cipher scenario's login is readable without any key) once showed a third POST.
    // This run's connections are the ones whose ClientHello random the run's key log names.
    const randoms = new Set(readFileSync(keylog, 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => line.split(' ')[1]))
    const ours = new Set(tshark('tls.handshake.type == 1', ['tcp.stream', 'tls.handshake.random']).filter(([, random]) => randoms.has(random)).map(([stream]) => stream))
    expect(ours.size).toBe(2)
    // Retransmissions left out: on a loaded machine a segment is sometimes sent (and captured) twice.
    const shown = tshark('tls and http.request and not tcp.analysis.retransmission', ['tcp.dstport', 'http.request.method', 'http.request.uri', 'tcp.stream'])
    // One line per TCP stream of this run: a request seen twice on the same stream is the same request.
    const requests = [...new Map(shown.filter((fields) => ours.has(fields[3])).map((fields) => [fields[3], fields])).values()]
    // The stolen login twice: victim → proxy, then proxy → genuine bank, on two different ports.
    expect(requests.map(([, method, uri]) => `${method} ${uri}`)).toEqual(['POST /login', 'POST /login'])
    expect(new Set(requests.map(([port]) => port)).size).toBe(2)
  })
})
