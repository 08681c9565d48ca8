// `npm run bench`: runs the shared side-by-side benchmark (../shared/bench/run.sh)
// with mitmlab's proxy plugged in (reverse and HTTP CONNECT, pooled upstream
// connections: `mitmlab proxy`'s default), then the same proxy with one upstream
// connection per client (a second run.sh run, without mitmproxy), the idle memory
// measurement, the verifier's throughput on x509-limbo, the scenario catalog's
// wall time, the full client matrix at --jobs 1 and --jobs <cores> (scripts/bench/client-matrix.ts, the longest
// part: --skip-matrix leaves it out and keeps the section docs/benchmarks.md already has), and writes docs/benchmarks.md.
// Output stays in bench-out/ (git-ignored).
// Usage: npm run bench [-- --rounds 3 --skip-per-client --skip-memory --skip-verifier --skip-lab --skip-matrix ...other run.sh options]
// Needs: apt-get install -y mitmproxy wrk (run.sh installs nothing itself).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { loadOrCreateLabPki } from '../../ca/index.js'
import { renderBenchmarksMarkdown, type BenchResults } from './render-benchmarks.js'
import type { IdleMemoryResult } from './idle-memory.js'
import type { VerifierThroughputResult } from './verifier-throughput.js'
import type { StartupResult } from './startup.js'
import type { ClientMatrixResult } from './render-client-matrix.js'

const repo = resolve(import.meta.dirname, '..', '..')
const runSh = resolve(repo, '..', 'shared', 'bench', 'run.sh')
const outDir = join(repo, 'bench-out')
const dataDir = join(outDir, 'data')
const caFile = join(outDir, 'mitmlab-interception-ca.pem')
const docFile = join(repo, 'docs', 'benchmarks.md')

const args = process.argv.slice(2)
const skipMemory = takeFlag('--skip-memory')
const skipLab = takeFlag('--skip-lab')
const skipPerClient = takeFlag('--skip-per-client')
const skipVerifier = takeFlag('--skip-verifier')
const skipStartup = takeFlag('--skip-startup')
const skipMatrix = takeFlag('--skip-matrix')
const baselineDir = takeValue('--baseline')
if (!existsSync(runSh))
  fail(`${runSh} not found: the benchmark lives in ../shared/bench beside this repository`)
if (spawnSync('mitmdump', ['--version']).status !== 0 && !args.includes('--no-mitm')) {
  fail('mitmdump not found: apt-get install -y mitmproxy wrk (or pass --no-mitm)')
}
mkdirSync(dataDir, { recursive: true })
// The PKI exists before the proxies start, so the client's --proxy-ca file is there for the probe.
writeFileSync(caFile, loadOrCreateLabPki(dataDir).interceptionCa.pem)

const bin = `node ${join(repo, 'bin', 'mitmlab.mjs')} proxy --data-dir ${dataDir} --upstream-ca {upstream_ca}`
const benchArgs = [
  '--out',
  join(outDir, 'tls-bench'),
  '--proxy-name',
  'mitmlab',
  '--proxy-cmd',
  `${bin} --listen {port} --upstream {upstream_url}`,
  '--proxy-connect-cmd',
  `${bin} --mode connect --listen {port}`,
  '--proxy-ca',
  caFile,
  ...args,
]
const started = new Date()
const load = { before: loadavg(), after: [0, 0, 0] }
const code = await run('bash', [runSh, ...benchArgs])
load.after = loadavg()
if (code !== 0) fail(`run.sh exited with ${code}`)
const runDir = newestRunDir(join(outDir, 'tls-bench'))
const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as BenchResults

// The same proxy with one upstream connection per client connection (the lab runner's mode):
// what pooling buys, measured the same way (no mitmproxy: its numbers are in the main run).
let perClient: BenchResults | null = null
if (!skipPerClient) {
  const perClientOut = join(outDir, 'tls-bench-per-client')
  const perClientArgs = [
    '--out',
    perClientOut,
    '--no-mitm',
    '--proxy-name',
    'mitmlab',
    '--proxy-cmd',
    `${bin} --upstream-connections per-client --listen {port} --upstream {upstream_url}`,
    '--proxy-connect-cmd',
    `${bin} --upstream-connections per-client --mode connect --listen {port}`,
    '--proxy-ca',
    caFile,
    ...args.filter((arg) => arg !== '--no-mitm'),
  ]
  if ((await run('bash', [runSh, ...perClientArgs])) === 0)
    perClient = JSON.parse(
      readFileSync(join(newestRunDir(perClientOut), 'results.json'), 'utf8'),
    ) as BenchResults
}

let memory: IdleMemoryResult | null = null
if (!skipMemory) {
  const memoryFile = join(runDir, 'idle-memory.json')
  await runScript('idle-memory.ts', ['--data-dir', dataDir, '--json', memoryFile])
  if (existsSync(memoryFile)) memory = JSON.parse(readFileSync(memoryFile, 'utf8')) as IdleMemoryResult
}
let verifier: VerifierThroughputResult | null = null
if (!skipVerifier) {
  const verifierFile = join(runDir, 'verifier-throughput.json')
  await runScript('verifier-throughput.ts', ['--json', verifierFile])
  if (existsSync(verifierFile))
    verifier = JSON.parse(readFileSync(verifierFile, 'utf8')) as VerifierThroughputResult
}
let labSeconds: number | null = null
if (!skipLab) {
  const t0 = Date.now()
  const labCode = await run('npm', [
    'run',
    '--silent',
    'lab',
    '--',
    '--data-dir',
    join(outDir, 'lab-data'),
    '--quiet',
  ])
  labSeconds = labCode === null ? null : (Date.now() - t0) / 1000
}

let clientMatrix: ClientMatrixResult | null = null
if (!skipMatrix) {
  const matrixFile = join(runDir, 'client-matrix.json')
  await runScript('client-matrix.ts', ['--json', matrixFile])
  if (existsSync(matrixFile)) clientMatrix = JSON.parse(readFileSync(matrixFile, 'utf8')) as ClientMatrixResult
}

let startup: StartupResult | null = null
if (!skipStartup) {
  const startupFile = join(runDir, 'startup.json')
  await runScript('startup.ts', ['--json', startupFile])
  if (existsSync(startupFile)) startup = JSON.parse(readFileSync(startupFile, 'utf8')) as StartupResult
}
// Kept beside the raw results, so a later run can name this one as its --baseline.
writeFileSync(join(runDir, 'baseline.json'), `${JSON.stringify({ label: `Node ${process.version}`, labSeconds })}\n`)
const baseline =
  baselineDir === undefined
    ? null
    : {
        ...(JSON.parse(readFileSync(join(baselineDir, 'baseline.json'), 'utf8')) as { label: string; labSeconds: number | null }),
        results: JSON.parse(readFileSync(join(baselineDir, 'results.json'), 'utf8')) as BenchResults,
        memory: existsSync(join(baselineDir, 'idle-memory.json'))
          ? (JSON.parse(readFileSync(join(baselineDir, 'idle-memory.json'), 'utf8')) as IdleMemoryResult)
          : null,
        limboAgree: null,
      }

const markdown = renderBenchmarksMarkdown({
  startup,
  baseline,
  results,
  summaryMd: readFileSync(join(runDir, 'summary.md'), 'utf8'),
  command: `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`,
  runShCommand: `${relative(repo, runSh)} ${benchArgs.map((arg) => (/\s/.test(arg) ? `'${arg}'` : arg)).join(' ')}`,
  machine: {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadBefore: load.before,
    loadAfter: load.after,
  },
  date: started,
  memory,
  perClient,
  verifier,
  labSeconds,
  clientMatrix,
  previous: existsSync(docFile) ? readFileSync(docFile, 'utf8') : null,
})
mkdirSync(join(repo, 'docs'), { recursive: true })
writeFileSync(docFile, markdown)
process.stdout.write(`\nwrote ${relative(repo, docFile)} (raw results: ${relative(repo, runDir)})\n`)

function run(command: string, commandArgs: string[]): Promise<number | null> {
  return new Promise((done) => {
    const child = spawn(command, commandArgs, { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] })
    child.on('close', (exitCode) => done(exitCode))
  })
}

/** One of the measurement scripts beside this one, as its own process (its own heap and JIT). */
function runScript(name: string, scriptArgs: string[]): Promise<number | null> {
  return run(process.execPath, ['--import', 'tsx', join(repo, 'scripts', 'bench', name), ...scriptArgs])
}

function newestRunDir(root: string): string {
  const dirs = readdirSync(root)
    .map((name) => join(root, name))
    .filter((path) => existsSync(join(path, 'results.json')))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
  const [newest] = dirs
  if (newest === undefined) fail(`no results.json under ${root}`)
  return newest
}

function takeValue(flag: string): string | undefined {
  const index = args.indexOf(flag)
  if (index < 0) return undefined
  const [, value] = args.splice(index, 2)
  if (value === undefined) fail(`${flag} needs a value`)
  return resolve(value)
}

function takeFlag(flag: string): boolean {
  const index = args.indexOf(flag)
  if (index < 0) return false
  args.splice(index, 1)
  return true
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`)
  process.exit(2)
}
