/**
 * Dashboard latency and load benchmark (issue 6): not a test, a measurement.
 *
 *   npm run bench:dashboard [-- --runs 3 --events 10000]
 *
 * 1. Latency: real scenario runs started through the server; for every step
 *    result the time from the bus publishing it (and for every scenario the
 *    time from its result being committed to SQLite) to the matching cell
 *    (row outcome) being rendered in Debian chromium. Same machine, same clock.
 * 2. Load: 10,000 real-shaped events (the results of step 1 replayed through
 *    the bus as fast as it takes them); the page's frame gaps and long tasks
 *    while they arrive, and the time until the last one is on screen.
 * Writes test-results/dashboard/bench.json and bench-10k.png.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium, type Page } from 'playwright-core'
import { build } from 'vite'
import { loadOrCreateLabPki } from '../ca/index.js'
import { startDashboardServer } from '../server/api/dashboard-server.js'
import { LabBus } from '../server/bus/lab-bus.js'
import type { LabEvents } from '../server/bus/events.js'
import { storeFile } from '../server/config.js'
import type { ScenarioResult } from '../server/lab/scenario-result.js'
import { LabStore } from '../server/store/lab-store.js'

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '3' }, events: { type: 'string', default: '10000' } } })
const RUNS = Number(args.runs)
const EVENTS = Number(args.events)
const OUT_DIR = join(process.cwd(), 'test-results', 'dashboard')

interface Published {
  id: string
  status: string
  at: number
  /** Set for published values: a render only counts until the same cell is published again by a later run. */
  runId?: string
}

const work = mkdtempSync(join(tmpdir(), 'mitmlab-bench-'))
mkdirSync(OUT_DIR, { recursive: true })
const distDir = join(work, 'dist')
await build({ configFile: join(process.cwd(), 'dashboard', 'vite.config.ts'), logLevel: 'warn', build: { outDir: distDir, emptyOutDir: true } })
const store = new LabStore(storeFile(work))
const bus = new LabBus()
const pki = loadOrCreateLabPki(work)
const server = await startDashboardServer({ store, bus, pki, port: 0, dashboardDir: distDir })
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, bypassCSP: true })
  page.on('crash', () => process.stderr.write('bench: the page crashed\n'))
  browser.on('disconnected', () => process.stderr.write('bench: chromium exited\n'))
  await page.goto(server.url)
  await page.getByTestId('start-all').waitFor()
  await page.getByTestId('connection-banner').waitFor({ state: 'detached' })
  await installRenderRecorder(page)

  // 1. Latency on real runs.
  const stepsPublished: Published[] = []
  const resultsCommitted: Published[] = []
  const collected: { events: [keyof LabEvents, unknown][] } = { events: [] }
  const stopTiming = bus.use({
    'step:result': (e) => stepsPublished.push({ id: `cell-${e.scenarioId}-${e.step.step}`, status: e.step.status, at: Date.now(), runId: e.runId }),
    // The runner emits scenario:finished right after the result's transaction commits.
    'scenario:finished': (e) => resultsCommitted.push({ id: `row-${e.result.scenarioId}`, status: outcomeOf(e.result), at: Date.now(), runId: e.result.runId }),
  })
  const recordAll = bus.use(recordEvents(collected.events))
  for (let run = 0; run < RUNS; run += 1) {
    const started = server.runs?.start(undefined)
    if (started === undefined || !started.ok) throw new Error(`could not start run: ${JSON.stringify(started)}`)
    await server.runs?.settle()
    await page.waitForTimeout(400)
  }
  recordAll()
  stopTiming()
  const renders = (await page.evaluate('window.renders')) as Published[]
  const stepLatency = latencies(stepsPublished, renders)
  const commitLatency = latencies(resultsCommitted, renders)

  // 2a. Load, one run: a single run receives EVENTS deltas (the recorded steps, connections and results, cycled),
  //     what a long battery looks like to a trainer watching it.
  const firstRun = collected.events.find(([event]) => event === 'run:started')
  const firstRunId = firstRun === undefined ? '' : runIdOf('run:started', firstRun[1])
  const oneRunEvents = collected.events.filter(
    ([event, payload]) => runIdOf(event, payload) === firstRunId && event !== 'run:started' && event !== 'run:finished',
  )
  const oneRun = await measureLoad(page, 'bench-one-run.png', async () => {
    const runId = '20990101T000000Z-a00000'
    const started = firstRun === undefined ? null : renameRun('run:started', firstRun[1], runId)
    bus.emit('run:started', started as never)
    let published = 1
    for (let index = 0; published < EVENTS - 1; index += 1) {
      const entry = oneRunEvents[index % oneRunEvents.length]
      if (entry === undefined) break
      bus.emit(entry[0], renameRun(entry[0], entry[1], runId) as never)
      published += 1
      if (published % 200 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    const finished = collected.events.find(([event, payload]) => event === 'run:finished' && runIdOf(event, payload) === firstRunId)
    if (finished !== undefined) bus.emit('run:finished', renameRun('run:finished', finished[1], runId) as never)
    return { published: published + 1, lastRunId: runId }
  })

  // 2b. Load, worst case: whole runs replayed back to back under fresh ids (a new run every few ms, which the page follows).
  const manyRuns = await measureLoad(page, 'bench-10k.png', async () => {
    let published = 0
    let lastRunId = ''
    const copyIds = new Map<string, string>()
    for (let copy = 0; published < EVENTS; copy += 1) {
      copyIds.clear()
      for (const [event, payload] of collected.events) {
        const original = runIdOf(event, payload)
        let runId = copyIds.get(original)
        if (runId === undefined) {
          runId = `20990101T000000Z-${(copy * 100 + copyIds.size).toString(16).padStart(6, '0')}`
          copyIds.set(original, runId)
          lastRunId = runId
        }
        bus.emit(event, renameRun(event, payload, runId) as never)
        published += 1
      }
      // Yield to the event loop between copies so socket.io can write, as a real producer would.
      await new Promise((resolve) => setImmediate(resolve))
    }
    return { published, lastRunId }
  })
  const report = {
    at: new Date().toISOString(),
    loadAverage: loadavg(),
    runs: RUNS,
    stepToRender: stepLatency,
    commitToRender: commitLatency,
    loadOneRun: oneRun,
    loadManyRuns: manyRuns,
    screenshots: [join(OUT_DIR, 'bench-one-run.png'), join(OUT_DIR, 'bench-10k.png')],
  }
  writeFileSync(join(OUT_DIR, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`)
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
} finally {
  await browser.close()
  await server.close()
  store.close()
  rmSync(work, { recursive: true, force: true })
}

/** Publishes a burst, waits until the page shows its last run settled, and reports frame gaps and long tasks meanwhile. */
async function measureLoad(page: Page, screenshot: string, produce: () => Promise<{ published: number; lastRunId: string }>) {
  await page.evaluate('window.startFrameProbe()')
  const loadStart = Date.now()
  const { published, lastRunId } = await produce()
  const producedInMs = Date.now() - loadStart
  await page.locator('[data-testid="matrix-run-id"]', { hasText: lastRunId }).waitFor({ timeout: 60_000 })
  await page.waitForFunction(`document.querySelectorAll('[data-outcome="running"], [data-status="pending"]').length === 0`, undefined, { timeout: 60_000 })
  const settledInMs = Date.now() - loadStart
  const frames = (await page.evaluate('window.stopFrameProbe()')) as { gaps: number[]; longTasks: number[] }
  await page.screenshot({ path: join(OUT_DIR, screenshot) })
  return {
    events: published,
    producedInMs,
    lastEventRenderedAfterMs: settledInMs,
    frames: frames.gaps.length,
    frameGapP50Ms: Math.round(percentile(frames.gaps, 0.5)),
    frameGapP95Ms: Math.round(percentile(frames.gaps, 0.95)),
    frameGapMaxMs: Math.round(Math.max(0, ...frames.gaps)),
    longTasks: frames.longTasks.length,
    longestTaskMs: Math.round(Math.max(0, ...frames.longTasks)),
  }
}

function outcomeOf(result: ScenarioResult): string {
  if (result.error !== null) return 'error'
  if (result.leaked) return 'leaked'
  return result.verdict === 'reject' ? 'caught' : 'accepted'
}

/**
 * Each published value is matched with the first render of the same element
 * in the same state at or after it, and before a later run publishes that
 * element again. A value replaced within the same batch (a step re-reported)
 * is never on screen by itself: it counts as superseded, not as a sample.
 */
function latencies(published: Published[], renders: Published[]): { samples: number; superseded: number; p50Ms: number; p95Ms: number; maxMs: number } {
  const values: number[] = []
  let superseded = 0
  for (const item of published) {
    const until = published.find((later) => later.id === item.id && later.runId !== item.runId && later.at > item.at)?.at ?? Number.POSITIVE_INFINITY
    const rendered = renders.find((r) => r.id === item.id && r.status === item.status && r.at >= item.at && r.at < until)
    if (rendered === undefined) superseded += 1
    else values.push(rendered.at - item.at)
  }
  return { samples: values.length, superseded, p50Ms: percentile(values, 0.5), p95Ms: percentile(values, 0.95), maxMs: Math.max(0, ...values) }
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0
}

function recordEvents(into: [keyof LabEvents, unknown][]): { [K in keyof LabEvents]?: (payload: LabEvents[K]) => void } {
  const names: (keyof LabEvents)[] = ['run:started', 'scenario:started', 'step:result', 'connection:closed', 'scenario:finished', 'run:finished']
  return Object.fromEntries(names.map((name) => [name, (payload: unknown) => into.push([name, payload])]))
}

function runIdOf(event: keyof LabEvents, payload: unknown): string {
  const record = payload as Record<string, Record<string, unknown> | string>
  const holder = event === 'run:started' || event === 'run:finished' ? record['run'] : event === 'scenario:finished' ? record['result'] : record
  return typeof holder === 'object' ? String(holder['id'] ?? holder['runId']) : ''
}

/** The same event for another run id, started now (structuredClone keeps the recorded originals intact). */
function renameRun(event: keyof LabEvents, payload: unknown, runId: string): unknown {
  const copy = structuredClone(payload) as Record<string, unknown>
  if (event === 'run:started' || event === 'run:finished') {
    const run = copy['run'] as Record<string, unknown>
    run['id'] = runId
    run['startedAt'] = new Date().toISOString()
  } else if (event === 'scenario:finished') (copy['result'] as Record<string, unknown>)['runId'] = runId
  else copy['runId'] = runId
  return copy
}

function renderRecorderSource(): string {
  return `(() => {
  const renders = []
  window.renders = renders
  const record = (el) => {
    const id = el.getAttribute('data-testid') ?? ''
    const status = el.getAttribute('data-status') ?? el.getAttribute('data-outcome')
    if (status !== null) renders.push({ id, status, at: Date.now() })
  }
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === 'attributes') record(m.target)
      for (const node of m.addedNodes) {
        if (!(node instanceof Element)) continue
        if (node.hasAttribute('data-status') || node.hasAttribute('data-outcome')) record(node)
        node.querySelectorAll('[data-status], [data-outcome]').forEach(record)
      }
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status', 'data-outcome'] })
  let gaps = []
  let longTasks = []
  let running = false
  const observer = new PerformanceObserver((list) => list.getEntries().forEach((entry) => longTasks.push(entry.duration)))
  window.startFrameProbe = () => {
    gaps = []
    longTasks = []
    running = true
    observer.observe({ entryTypes: ['longtask'] })
    let last = performance.now()
    const tick = (now) => {
      gaps.push(now - last)
      last = now
      if (running) requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  }
  window.stopFrameProbe = () => {
    running = false
    observer.disconnect()
    return { gaps, longTasks }
  }
})()`
}

async function installRenderRecorder(page: Page): Promise<void> {
  await page.evaluate(renderRecorderSource())
}
