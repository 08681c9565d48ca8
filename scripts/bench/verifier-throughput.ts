// Verifier throughput on the x509-limbo suite (../shared/conformance): every testcase through
// verify() on one thread, timed per case, the suite's JSON parsing excluded. Prints one JSON line.
// Usage: tsx scripts/bench/verifier-throughput.ts [--suite FILE] [--json FILE]
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { runLimboTestcases } from '../../server/cli/limbo-command.js'

const repo = join(import.meta.dirname, '..', '..')
const { values } = parseArgs({
  options: {
    suite: { type: 'string', default: join(repo, '..', 'shared', 'conformance', 'x509-limbo', 'limbo.json') },
    json: { type: 'string' },
  },
})

export interface VerifierThroughputResult {
  cases: number
  seconds: number
  casesPerSecond: number
  p50Us: number
  p99Us: number
  maxUs: number
  slowestId: string
}

const testcases = (JSON.parse(readFileSync(values.suite, 'utf8')) as { testcases: { id: string }[] })
  .testcases
// The testcases' validation_time pins each clock; `now` only stands in where a case gives none.
const now = new Date()
// One pass first, so the timed pass measures compiled code, as a long-running verifier runs.
runLimboTestcases(testcases.slice(0, 500), now)
const timings: { id: string; us: number }[] = []
const started = process.hrtime.bigint()
for (const testcase of testcases) {
  const t0 = process.hrtime.bigint()
  runLimboTestcases([testcase], now)
  timings.push({ id: testcase.id, us: Number(process.hrtime.bigint() - t0) / 1000 })
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9
const sorted = timings.map((t) => t.us).sort((a, b) => a - b)
const at = (q: number): number =>
  Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0)
const slowest = timings.reduce((a, b) => (b.us > a.us ? b : a), { id: '', us: 0 })
const result: VerifierThroughputResult = {
  cases: timings.length,
  seconds: Math.round(seconds * 100) / 100,
  casesPerSecond: Math.round(timings.length / seconds),
  p50Us: at(0.5),
  p99Us: at(0.99),
  maxUs: Math.round(slowest.us),
  slowestId: slowest.id,
}
if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(result)}\n`)
process.stdout.write(`${JSON.stringify(result)}\n`)
