import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, openSync, closeSync, existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * x509-limbo conformance (opt-in: LIMBO=1, `npm run test:conformance`).
 * Runs the real `mitmlab limbo` command on the shared suite, scores it with
 * the shared scorer on https-server-core, and fails only on disagreements not
 * listed, with a reason, in limbo-exceptions.json.
 */
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const SUITE = resolve(REPO, '../shared/conformance/x509-limbo/limbo.json')
const SCORER = resolve(REPO, '../shared/conformance/limbo-score.mjs')
/** Git-ignored (.mitmlab/): results never go into ../shared. */
const OUT = join(REPO, '.mitmlab/limbo')
const RUN_TIMEOUT_MS = 180_000

interface ScoreSummary {
  failures: { id: string; expected: string; actual: string; context: string | null }[]
  balancedPercent: number | null
  byExpected: Record<string, { agree: number; disagree: number }>
}

function score(resultsPath: string, name: string, extra: string[]): { text: string; summary: ScoreSummary } {
  const jsonPath = join(OUT, `${name}.json`)
  const text = execFileSync(process.execPath, [SCORER, SUITE, resultsPath, '--json', jsonPath, '--max-failures', '200', ...extra], { encoding: 'utf8' })
  return { text, summary: JSON.parse(readFileSync(jsonPath, 'utf8')) as ScoreSummary }
}

describe.skipIf(process.env.LIMBO !== '1')('x509-limbo conformance', () => {
  it('agrees with limbo on https-server-core except the documented divergences', { timeout: RUN_TIMEOUT_MS }, () => {
    expect(existsSync(SUITE), `missing ${SUITE}`).toBe(true)
    mkdirSync(OUT, { recursive: true })
    const resultsPath = join(OUT, 'results.json')
    const input = openSync(SUITE, 'r')
    const output = openSync(resultsPath, 'w')
    const started = performance.now()
    try {
      execFileSync(process.execPath, [join(REPO, 'bin/mitmlab.mjs'), 'limbo'], { stdio: [input, output, 'inherit'], timeout: RUN_TIMEOUT_MS })
    } finally {
      closeSync(input)
      closeSync(output)
    }
    const seconds = (performance.now() - started) / 1000

    const core = score(resultsPath, 'https-server-core', ['--subset', 'https-server-core'])
    const handWritten = score(resultsPath, 'hand-written', ['--subset', 'https-server-core', '--exclude', 'bettertls::*'])
    const all = score(resultsPath, 'all', ['--subset', 'all'])
    const lastLine = (text: string): string => text.trim().split('\n').at(-1) ?? ''
    const balanced = (text: string): string => text.split('\n').find((line) => line.startsWith('balanced:')) ?? ''
    console.log(core.text)
    console.log(`hand-written only: ${balanced(handWritten.text)}\n  ${lastLine(handWritten.text)}`)
    console.log(`whole suite (all): ${balanced(all.text)}\n  ${lastLine(all.text)}`)
    console.log(`mitmlab limbo ran the whole suite in ${seconds.toFixed(1)} s`)

    const exceptions = JSON.parse(readFileSync(join(REPO, 'test/conformance/limbo-exceptions.json'), 'utf8')) as Record<string, string>
    const failures = core.summary.failures
    const hangs = failures.filter((f) => f.actual === 'HANG')
    const unexpected = failures.filter((f) => exceptions[f.id] === undefined)
    const stale = Object.keys(exceptions).filter((id) => !failures.some((f) => f.id === id))
    if (stale.length > 0) console.log(`exceptions that now agree (remove them): ${stale.join(', ')}`)
    expect(hangs).toEqual([])
    expect(unexpected.map((f) => `${f.id}: expected ${f.expected}, got ${f.actual} (${f.context ?? ''})`)).toEqual([])
    expect(Object.values(exceptions).every((why) => why.length > 20)).toBe(true)
  })
})
