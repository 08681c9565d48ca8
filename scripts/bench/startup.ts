// Start-up time of the `mitmlab` command (issue 16 item 4: `mitmlab list` and `mitmlab --help`
// under 0.5 s wall). Each command runs ROUNDS times as a fresh process, interleaved so machine load
// hits all alike; reported: median and minimum wall time. "compiled" is what `npm install` builds
// (dist/, scripts/build.mjs), "source" the TypeScript through tsx (MITMLAB_FROM_SOURCE=1), which is
// what every start cost before; a bare `node -e 0` is the floor.
// Usage: tsx scripts/bench/startup.ts [--rounds 10] [--json FILE]
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export interface StartupResult {
  rounds: number
  node: string
  /** Wall milliseconds per case: median and minimum over the rounds. */
  cases: { name: string; command: string; medianMs: number; minMs: number }[]
}

const repo = resolve(import.meta.dirname, '..', '..')
const bin = join(repo, 'bin', 'mitmlab.mjs')
const args = process.argv.slice(2)
const rounds = Number(valueOf('--rounds') ?? 10)
const jsonFile = valueOf('--json')

const CASES: { name: string; argv: string[]; env?: Record<string, string> }[] = [
  { name: 'node -e 0 (the floor)', argv: ['-e', '0'] },
  { name: 'mitmlab list (compiled)', argv: [bin, 'list'] },
  { name: 'mitmlab --help (compiled)', argv: [bin, '--help'] },
  { name: 'mitmlab list (TypeScript via tsx, as before)', argv: [bin, 'list'], env: { MITMLAB_FROM_SOURCE: '1' } },
  { name: 'mitmlab --help (TypeScript via tsx, as before)', argv: [bin, '--help'], env: { MITMLAB_FROM_SOURCE: '1' } },
]

const samples = CASES.map(() => [] as number[])
for (let round = 0; round < rounds; round++) {
  CASES.forEach((c, index) => {
    const t0 = performance.now()
    const outcome = spawnSync(process.execPath, c.argv, { cwd: repo, env: { ...process.env, ...c.env }, stdio: 'ignore' })
    if (outcome.status !== 0) throw new Error(`${c.name} exited with ${outcome.status ?? outcome.signal ?? '?'}`)
    samples[index]?.push(performance.now() - t0)
  })
}
const result: StartupResult = {
  rounds,
  node: process.version,
  cases: CASES.map((c, index) => {
    const sorted = [...(samples[index] ?? [])].sort((a, b) => a - b)
    return {
      name: c.name,
      command: `node ${c.argv.map((a) => a.replace(repo + '/', '')).join(' ')}`,
      medianMs: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
      minMs: Math.round(sorted[0] ?? 0),
    }
  }),
}
for (const c of result.cases) process.stdout.write(`${c.name.padEnd(48)} median ${c.medianMs} ms, min ${c.minMs} ms\n`)
if (jsonFile !== undefined) writeFileSync(jsonFile, `${JSON.stringify(result, null, 2)}\n`)

function valueOf(flag: string): string | undefined {
  const index = args.indexOf(flag)
  return index >= 0 ? args[index + 1] : undefined
}
