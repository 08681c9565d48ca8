// `npm run docs:stacks`: runs the whole client matrix (`mitmlab run --clients all`, every scenario × every
// client on this machine) into bench-out/stacks-data, then writes docs/client-stacks.md from that stored run:
// the clients with their verifier and version, for each pair of verifiers the scenarios one accepts and the
// other rejects (with the scenario's explanation), and the false-accept / false-reject / unmapped table.
// Usage: npm run docs:stacks [-- --jobs N]                       run the matrix, then write the page
//        npm run docs:stacks -- --data-dir DIR [--run RUN_ID]    write it from a run already stored (default: the newest with clients)
//        [--out FILE]                                            default docs/client-stacks.md
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { findScenario } from '../scenarios/index.js'
import { storeFile } from '../server/config.js'
import { clientIdsOf, clientVersionsOf } from '../server/report/client-summary.js'
import { LabStore, type RunRow } from '../server/store/lab-store.js'
import { renderClientStacks } from './stacks/render-client-stacks.js'

const repo = resolve(import.meta.dirname, '..')
const { values: flags } = (() => {
  try {
    return parseArgs({ options: { 'data-dir': { type: 'string' }, run: { type: 'string' }, out: { type: 'string' }, jobs: { type: 'string' } } })
  } catch (error) {
    return fail(`${(error as Error).message} (see the usage at the top of scripts/write-stack-comparison.ts)`)
  }
})()
const dataDirArg = flags['data-dir']
const runArg = flags.run
const out = resolve(flags.out ?? join(repo, 'docs', 'client-stacks.md'))
const jobs = flags.jobs
if (runArg !== undefined && dataDirArg === undefined) fail('--run needs --data-dir (where the run is stored)')

let dataDir = dataDirArg === undefined ? undefined : resolve(dataDirArg)
if (dataDir === undefined) {
  dataDir = join(repo, 'bench-out', 'stacks-data')
  mkdirSync(dataDir, { recursive: true })
  const runArgs = [join(repo, 'bin', 'mitmlab.mjs'), 'run', '--clients', 'all', '--data-dir', dataDir, '--quiet', ...(jobs === undefined ? [] : ['--jobs', jobs])]
  process.stderr.write(`docs:stacks: node ${runArgs.map((arg) => relative(repo, arg) || arg).join(' ')}\n`)
  // Exit 1 means some scenario × client was unexpected: still a complete run to compare. 2 is a broken run.
  const ran = spawnSync(process.execPath, runArgs, { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] })
  if (ran.status !== 0 && ran.status !== 1) fail(`mitmlab run exited with ${String(ran.status ?? ran.signal)}`)
}

const store = new LabStore(storeFile(dataDir), { readonly: true })
try {
  const run = pickRun(store, runArg)
  const results = store.getResults(run.id)
  const scenarios = new Map(
    [...new Set(results.map((result) => result.scenarioId))].flatMap((id) => {
      const scenario = findScenario(id)
      return scenario === undefined ? [] : [[id, { title: scenario.title, explanation: scenario.explanation }] as const]
    }),
  )
  const markdown = renderClientStacks({
    runId: run.id,
    startedAt: run.startedAt,
    clientOrder: clientIdsOf(run.options),
    versions: clientVersionsOf(run.options),
    results,
    scenarios,
    command: 'npm run docs:stacks',
    machine: `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`,
  })
  writeFileSync(out, markdown)
  process.stdout.write(`wrote ${relative(repo, out)} from run ${run.id} (${results.length} results)\n`)
} finally {
  store.close()
}

function pickRun(labStore: LabStore, id: string | undefined): RunRow {
  if (id !== undefined) {
    const run = labStore.getRun(id)
    if (run === null) fail(`no run ${id} in ${labStore.file}`)
    return run
  }
  const run = labStore.listRuns(50).find((candidate) => candidate.status !== 'running' && clientIdsOf(candidate.options).length > 0)
  if (run === undefined) fail(`no finished run with real clients in ${labStore.file}: run \`mitmlab run --clients all\` first`)
  return run
}

function fail(message: string): never {
  process.stderr.write(`docs:stacks: ${message}\n`)
  process.exit(2)
}
