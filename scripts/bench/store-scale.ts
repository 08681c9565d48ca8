// How the store and the dashboard scale with the number of runs (issue 17 item 10).
// Builds a store of N full runs in a temp data dir — one real run of the whole
// scenario catalog, copied N-1 times with SQL (new run ids and start times, every
// result, step, connection and event row duplicated) — then starts `mitmlab serve`
// on it as its own process and measures:
//   - idle CPU of that process over --idle-seconds (utime+stime from /proc/PID/stat),
//   - GET /api/runs/:id latency (time to the last byte, gzip accepted) over --requests sequential requests, p50/p95: first
//     reads of runs no dashboard has opened (their result views are built then), then the same runs again,
//   - 20 parallel GETs of an unknown run (404), wall time.
// Usage: npx tsx scripts/bench/store-scale.ts [--runs 500] [--idle-seconds 10] [--requests 100] [--data-dir DIR (reuse a built store)]
//        [--repo DIR  (whose `mitmlab serve` to measure; default this checkout)] [--keep-data]
// Targets (issue 17 acceptance): idle serve under 1 % of a core, GET /api/runs/:id under 20 ms.
import { spawn } from 'node:child_process'
import { get as httpGet } from 'node:http'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadOrCreateLabPki } from '../../ca/index.js'
import { scenarios } from '../../scenarios/index.js'
import { runScenarios } from '../../scenarios/runner.js'
import { LabBus } from '../../server/bus/lab-bus.js'
import { storeFile } from '../../server/config.js'
import { LabStore } from '../../server/store/lab-store.js'

const args = process.argv.slice(2)
const runCount = Number(option('--runs', '500'))
const idleSeconds = Number(option('--idle-seconds', '10'))
const requestCount = Number(option('--requests', '100'))
const repo = resolve(option('--repo', resolve(import.meta.dirname, '..', '..')))
const keepData = args.includes('--keep-data')
const existing = option('--data-dir', '')

/** Between two timed requests: 50 requests/s at most. */
const PACE_MS = 20

const dataDir = existing === '' ? mkdtempSync(join(tmpdir(), 'mitmlab-store-scale-')) : resolve(existing)
const file = storeFile(dataDir)
if (existing === '') await buildStore()
const runIds = listRunIds()
process.stdout.write(
  `store: ${file}, ${runIds.length} runs, ${(statSync(file).size / 1_048_576).toFixed(0)} MiB\n`,
)

const server = spawn(
  process.execPath,
  ['--import', 'tsx', join(repo, 'server', 'cli', 'main.ts'), 'serve', '--port', '0', '--data-dir', dataDir],
  {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  },
)
try {
  const base = await dashboardUrl()
  // Let start-up (module loading, the first store reads) finish before measuring idle.
  await sleep(3_000)
  const cpu = await idleCpu(server.pid ?? 0, idleSeconds)
  // First reads of runs nobody opened yet (their result views are built and kept), then the same runs again.
  const cold = await getLatencies(base, runIds)
  const ticksBefore = cpuTicks(server.pid ?? 0)
  const latencies = await getLatencies(base, runIds)
  // The server's own CPU per request: what a request costs on an idle machine, whatever else shares this one.
  const cpuMsPerRequest = ((cpuTicks(server.pid ?? 0) - ticksBefore) * 10) / latencies.length
  const notFound = await parallelNotFound(base, 20)
  const p = (q: number, of: number[] = latencies): number =>
    of[Math.min(of.length - 1, Math.floor(q * of.length))] ?? NaN
  process.stdout.write(
    [
      `serve: ${join(repo, 'server', 'cli', 'main.ts')}`,
      `idle CPU over ${idleSeconds} s: ${(cpu * 100).toFixed(2)} % of a core (target < 1 %)`,
      `GET /api/runs/:id x${cold.length}, first read of each run: p50 ${p(0.5, cold).toFixed(1)} ms, p95 ${p(0.95, cold).toFixed(1)} ms, max ${p(1, cold).toFixed(1)} ms`,
      `GET /api/runs/:id x${latencies.length}, the same runs again: p50 ${p(0.5).toFixed(1)} ms, p95 ${p(0.95).toFixed(1)} ms, max ${p(1).toFixed(1)} ms (target < 20 ms)`,
      `  server CPU per repeat read: ${cpuMsPerRequest.toFixed(1)} ms (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores while measuring)`,
      `20 parallel GETs of an unknown run (404): ${notFound.toFixed(0)} ms wall`,
      '',
    ].join('\n'),
  )
} finally {
  server.kill('SIGTERM')
  await new Promise((done) => server.once('exit', done))
  if (!keepData && existing === '') rmSync(dataDir, { recursive: true, force: true })
  else process.stdout.write(`data kept in ${dataDir}\n`)
}

/** One real run of the whole catalog, then N-1 copies of it. */
async function buildStore(): Promise<void> {
  const pki = loadOrCreateLabPki(dataDir)
  const store = new LabStore(file)
  try {
    process.stdout.write(`running the ${scenarios.length} scenarios once for the template run...\n`)
    const { run } = await runScenarios(
      { pki, bus: new LabBus(), store },
      { scenarios, trigger: 'bench', options: { scenarios: scenarios.map((s) => s.id) } },
    )
    const { db } = store
    const results = db.prepare('SELECT id FROM scenario_results WHERE run_id = ?').all(run.id) as {
      id: number
    }[]
    const copyRun = db.prepare(
      `INSERT INTO runs (id, started_at, finished_at, status, trigger, options_json, pid, hostname, scenario_count,
         result_count, caught_count, leaked_count, unexpected_count)
       SELECT ?, ?, ?, status, trigger, options_json, pid, hostname, scenario_count,
         result_count, caught_count, leaked_count, unexpected_count FROM runs WHERE id = ?`,
    )
    const copyResult = db.prepare(
      `INSERT INTO scenario_results (run_id, ordinal, scenario_id, client_id, kind, expected_verdict, expected_step, expected_code,
         verdict, catching_step, code, node_authorized, node_error, leaked, as_expected, error, started_at, duration_ms, detail_json)
       SELECT ?, ordinal, scenario_id, client_id, kind, expected_verdict, expected_step, expected_code, verdict, catching_step, code,
         node_authorized, node_error, leaked, as_expected, error, started_at, duration_ms, detail_json FROM scenario_results WHERE id = ?`,
    )
    const copySteps = db.prepare(
      'INSERT INTO step_results (result_id, ordinal, step, status, code, message, detail_json) SELECT ?, ordinal, step, status, code, message, detail_json FROM step_results WHERE result_id = ?',
    )
    const copyConnections = db.prepare(
      'INSERT INTO connections (result_id, ordinal, record_json) SELECT ?, ordinal, record_json FROM connections WHERE result_id = ?',
    )
    const copyEvents = db.prepare(
      'INSERT INTO events (run_id, scenario_id, at, level, source, type, message, data_json) SELECT ?, scenario_id, at, level, source, type, message, data_json FROM events WHERE run_id = ?',
    )
    const copy = db.transaction((index: number) => {
      const startedAt = new Date(Date.UTC(2026, 0, 1) + index * 3_600_000)
      const id = `bench-${String(index).padStart(4, '0')}`
      copyRun.run(id, startedAt.toISOString(), new Date(startedAt.getTime() + 10_000).toISOString(), run.id)
      for (const result of results) {
        const copied = Number(copyResult.run(id, result.id).lastInsertRowid)
        copySteps.run(copied, result.id)
        copyConnections.run(copied, result.id)
      }
      copyEvents.run(id, run.id)
    })
    for (let index = 1; index < runCount; index += 1) {
      copy(index)
      if (index % 100 === 0) process.stdout.write(`  ${index} runs copied\n`)
    }
  } finally {
    store.close()
  }
}

function listRunIds(): string[] {
  const store = new LabStore(file)
  try {
    return store.listRuns(Number.MAX_SAFE_INTEGER).map((run) => run.id)
  } finally {
    store.close()
  }
}

async function dashboardUrl(): Promise<string> {
  let stdout = ''
  server.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  return new Promise((resolveUrl, reject) => {
    server.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const url = /mitmlab dashboard: (http:\/\/\S+?)\/?\s/.exec(stdout)?.[1]
      if (url !== undefined) resolveUrl(url)
    })
    server.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening`)))
  })
}

/** User + system CPU of a process in clock ticks (Linux /proc; 100 Hz). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  // After "pid (comm) ": state is field 3, utime 14, stime 15 (proc(5)).
  return Number(fields[11]) + Number(fields[12])
}

/** Fraction of one core the process used over `seconds`. */
async function idleCpu(pid: number, seconds: number): Promise<number> {
  const before = cpuTicks(pid)
  const startedAt = performance.now()
  await sleep(seconds * 1_000)
  const elapsed = (performance.now() - startedAt) / 1_000
  return (cpuTicks(pid) - before) / 100 / elapsed
}

/**
 * Time to the last byte of GET /api/runs/:id over node:http, asking for gzip as
 * browsers do; the body is counted, not inflated (that is the client's CPU, not
 * the server's latency).
 */
async function getLatencies(base: string, ids: string[]): Promise<number[]> {
  const latencies: number[] = []
  for (let index = 0; index < requestCount; index += 1) {
    const id = ids[(index * 7919) % ids.length] ?? ''
    const startedAt = performance.now()
    const status = await new Promise<number>((resolve, reject) => {
      httpGet(
        `${base}/api/runs/${encodeURIComponent(id)}`,
        { headers: { 'accept-encoding': 'gzip' } },
        (response) => {
          response.resume()
          response.on('end', () => resolve(response.statusCode ?? 0))
        },
      ).on('error', reject)
    })
    latencies.push(performance.now() - startedAt)
    if (status !== 200) throw new Error(`GET /api/runs/${id}: ${status}`)
    // Stay inside the API's per-address rate limit (http-app.ts): this measures latency, not the limiter.
    await sleep(PACE_MS)
  }
  return latencies.sort((a, b) => a - b)
}

async function parallelNotFound(base: string, count: number): Promise<number> {
  const startedAt = performance.now()
  await Promise.all(
    Array.from({ length: count }, (_, index) =>
      fetch(`${base}/api/runs/no-such-run-${index}`).then((r) => r.arrayBuffer()),
    ),
  )
  return performance.now() - startedAt
}

function option(name: string, fallback: string): string {
  const index = args.indexOf(name)
  return index === -1 ? fallback : (args[index + 1] ?? fallback)
}
