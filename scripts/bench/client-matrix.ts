// The full client matrix's wall time (issue 19): `mitmlab run --clients all` (every scenario × every client this
// machine has) at --jobs 1 and at --jobs <cores>, each into a fresh data directory, one after the other; checks
// that every run gave the first one's verdicts. Run by `npm run bench` (unless --skip-matrix) or alone:
//   npm run bench:matrix [-- --jobs 1,2 --json FILE --scenarios a,b]   (bench:matrix writes the doc section; --write-doc)
//   --measured JOBS:SECONDS:RESULT.json[:NOTE]   add a run timed outside this script (its `mitmlab run --json`
//                                                file), e.g. on the commit before --jobs existed; repeatable
//   --write-doc                                  replace the section in docs/benchmarks.md
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { renderClientMatrixSection, spliceClientMatrixSection, type ClientMatrixResult, type ClientMatrixRun } from './render-client-matrix.js'

interface StoredResult {
  scenarioId: string
  clientId: string
  verdict: string
  catchingStep: string | null
  code: string | null
  leaked: boolean
  asExpected: boolean
}

interface RunJson {
  run: { options: { clients?: string[] } }
  results: StoredResult[]
}

const repo = resolve(import.meta.dirname, '..', '..')
const { values: flags } = (() => {
  try {
    return parseArgs({
      options: {
        jobs: { type: 'string' },
        json: { type: 'string' },
        scenarios: { type: 'string' },
        'write-doc': { type: 'boolean', default: false },
        measured: { type: 'string', multiple: true, default: [] },
      },
    })
  } catch (error) {
    return fail((error as Error).message)
  }
})()
const jobsList = (flags.jobs ?? `1,${availableParallelism()}`).split(',').map((text) => {
  const jobs = Number(text)
  if (!Number.isInteger(jobs) || jobs < 1) fail(`--jobs takes positive integers separated by commas, not "${text}"`)
  return jobs
})
const jsonFile = flags.json
// A subset (comma list) for a quick try; the measurement is the whole catalog.
const subset = flags.scenarios?.split(',') ?? []
const writeDoc = flags['write-doc']
const measured: string[] = flags.measured

const outDir = join(repo, 'bench-out', 'client-matrix')
mkdirSync(outDir, { recursive: true })
const runs: (ClientMatrixRun & { verdicts: Map<string, string> })[] = []
let skipped: ClientMatrixResult['skipped'] = []
let clients: string[] = []
let scenarios = 0

for (const entry of measured) {
  const [jobs, seconds, file, ...note] = entry.split(':')
  if (jobs === undefined || seconds === undefined || file === undefined) fail(`--measured takes JOBS:SECONDS:RESULT.json[:NOTE], not "${entry}"`)
  const json = JSON.parse(readFileSync(resolve(file), 'utf8')) as RunJson
  runs.push(runOf(Number(jobs), Number(seconds), json, { before: Number.NaN, after: Number.NaN }, note.length > 0 ? note.join(':') : `timed outside the script (${file})`))
}

for (const jobs of jobsList) {
  const dataDir = join(outDir, `jobs-${jobs}`)
  rmSync(dataDir, { recursive: true, force: true })
  mkdirSync(dataDir, { recursive: true })
  const resultFile = join(dataDir, 'result.json')
  const load = { before: loadavg()[0] ?? 0, after: 0 }
  const started = process.hrtime.bigint()
  const { code, stderr } = await run(process.execPath, [join(repo, 'bin', 'mitmlab.mjs'), 'run', '--clients', 'all', '--jobs', String(jobs), '--data-dir', dataDir, '--quiet', '--json', resultFile, ...(subset.length > 0 ? ['--scenario', ...subset] : [])])
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  load.after = loadavg()[0] ?? 0
  // Exit 1 is a scenario × client that was unexpected: the matrix still ran to the end. 2 is a broken run.
  if ((code !== 0 && code !== 1) || !existsSync(resultFile)) fail(`mitmlab run --jobs ${jobs} exited with ${String(code)}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`)
  skipped = [...stderr.matchAll(/^mitmlab: skipping client (\S+): (.*)$/gm)].map((match) => ({ id: match[1] ?? '', reason: match[2] ?? '' }))
  const json = JSON.parse(readFileSync(resultFile, 'utf8')) as RunJson
  clients = json.run.options.clients ?? []
  scenarios = new Set(json.results.map((result) => result.scenarioId)).size
  runs.push(runOf(jobs, seconds, json, load))
  process.stderr.write(`bench:matrix: jobs ${jobs}: ${seconds.toFixed(1)} s, ${json.results.length} results\n`)
}

// The reference is the first run measured here; a --measured run (older code) is compared with it too.
const reference = runs.find((entry) => entry.note === undefined) ?? runs[0]
for (const entry of runs) {
  entry.differing = [...(reference?.verdicts ?? new Map<string, string>())].flatMap(([key, verdict]) => {
    const other = entry.verdicts.get(key)
    return other === verdict || other === undefined ? [] : [`${key}: ${verdict} → ${other}`]
  })
}
const result: ClientMatrixResult = {
  date: new Date().toISOString(),
  machine: { nproc: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', node: process.version },
  clients,
  skipped,
  scenarios,
  runs: runs.map(({ verdicts: _verdicts, ...rest }) => rest),
}
const file = jsonFile === undefined ? join(outDir, 'client-matrix.json') : resolve(jsonFile)
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
process.stdout.write(`${renderClientMatrixSection(result)}\n\nbench:matrix: wrote ${relative(repo, file)}\n`)
if (writeDoc) {
  const docFile = join(repo, 'docs', 'benchmarks.md')
  writeFileSync(docFile, spliceClientMatrixSection(existsSync(docFile) ? readFileSync(docFile, 'utf8') : '# Benchmarks\n', renderClientMatrixSection(result)))
  process.stdout.write(`bench:matrix: updated ${relative(repo, docFile)}\n`)
}

function runOf(jobs: number, seconds: number, json: RunJson, load: { before: number; after: number }, note?: string): ClientMatrixRun & { verdicts: Map<string, string> } {
  return {
    jobs,
    seconds,
    results: json.results.length,
    unexpected: json.results.filter((r) => !r.asExpected).length,
    loadBefore: load.before,
    loadAfter: load.after,
    differing: [],
    ...(note === undefined ? {} : { note }),
    verdicts: new Map(json.results.map((r) => [`${r.scenarioId} [${r.clientId}]`, `${r.verdict} ${r.catchingStep ?? '-'} ${r.code ?? '-'}${r.leaked ? ' leaked' : ''}${r.asExpected ? '' : ' UNEXPECTED'}`])),
  }
}

function run(command: string, commandArgs: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(command, commandArgs, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    child.on('close', (code) => done({ code, stderr }))
  })
}

function fail(message: string): never {
  process.stderr.write(`bench:matrix: ${message}\n`)
  process.exit(2)
}
