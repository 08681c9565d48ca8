import { execFileSync } from 'node:child_process'
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createVitest, type Vitest } from 'vitest/node'
import { isKilled, noFailures, orderTestFiles, type RunFailures } from './kill-rule.js'
import { applyMutant, mutantsOf, type Mutant } from './mutants.js'
import { seededSample } from './seeded-sample.js'
import { MUTATION_TARGETS, type MutationTarget } from './targets.js'

/*
 * npm run test:mutation [-- --seed 22 --per-group 60 --group judge --timeout-ms 600000]
 *
 * Applies the targeted mutants of mutants.ts, one at a time, to a scratch copy of the
 * repository, and runs only the group's tests against each (one long-lived Vitest, the mutated
 * file invalidated between runs). A mutant is killed when a test that passed without it fails
 * (or the run exceeds --timeout-ms); it survives otherwise. Tests that already fail without
 * any mutant are named and never count as a kill. Exit 0 when the score reaches
 * --threshold, 1 when it does not, 2 on a usage or infrastructure error.
 *
 * By default each mutant runs its group's test files one at a time, the file named after the
 * mutated source first, and stops at the first kill (kill-rule.ts); --all-files runs the whole
 * set in one Vitest run instead. Same verdicts, but on two shared cores the early stop is what
 * makes a 459-mutant run take an hour instead of five. --test-timeout-ms raises Vitest's test
 * and hook timeouts: on a loaded machine a test that merely ran slow is not a kill.
 *
 * --rerun test-results/mutation.json runs again only the mutants that survived that run (the
 * same mutants: same seed and sources), after tests were added; the others keep their status.
 * --resume test-results/mutation.progress.jsonl keeps every mutant an interrupted run already
 * judged and runs only the rest of the same sample.
 */

type Status = 'killed' | 'survived' | 'timeout'

interface MutantResult extends Omit<Mutant, 'start' | 'end'> {
  group: string
  status: Status
  ms: number
  /** The test file (relative to the repository) whose failure killed the mutant. */
  killedBy?: string
  /** --rerun: a survivor of the earlier run whose line no longer yields this mutant (kept as survived). */
  gone?: true
}

interface GroupSummary {
  group: string
  generated: number
  run: number
  killed: number
  timeout: number
  survived: number
  score: number
  excludedTests: string[]
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

function usage(message: string): never {
  console.error(`test:mutation: ${message}`)
  process.exit(2)
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        seed: { type: 'string', default: '22' },
        'per-group': { type: 'string', default: '60' },
        group: { type: 'string', multiple: true },
        'timeout-ms': { type: 'string', default: '600000' },
        'test-timeout-ms': { type: 'string', default: '300000' },
        'all-files': { type: 'boolean', default: false },
        resume: { type: 'string' },
        threshold: { type: 'string', default: '90' },
        out: { type: 'string', default: 'test-results/mutation' },
        list: { type: 'boolean', default: false },
        rerun: { type: 'string' },
      },
    })
  } catch (error) {
    return usage((error as Error).message)
  }
})()

const positiveInteger = (flag: string, text: string | undefined): number => {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0) usage(`--${flag} must be a whole number, got "${text ?? ''}"`)
  return value
}
const seed = positiveInteger('seed', values.seed)
const perGroup = values['per-group'] === 'all' ? Number.POSITIVE_INFINITY : positiveInteger('per-group', values['per-group'])
const timeoutMs = positiveInteger('timeout-ms', values['timeout-ms'])
const testTimeoutMs = positiveInteger('test-timeout-ms', values['test-timeout-ms'])
const threshold = positiveInteger('threshold', values.threshold)
const known = new Set(MUTATION_TARGETS.map((t) => t.group))
for (const name of values.group ?? []) if (!known.has(name)) usage(`unknown --group "${name}" (one of ${[...known].join(', ')})`)
const targets = MUTATION_TARGETS.filter((t) => values.group === undefined || values.group.includes(t.group))
if (values.rerun !== undefined && values.resume !== undefined) usage('--rerun and --resume cannot be combined')
const previous = values.rerun === undefined ? null : readPrevious(values.rerun)
// Read before the progress file is started afresh: --resume may name that very file.
const resumed = values.resume === undefined ? [] : readProgress(values.resume)

function readPrevious(file: string): MutantResult[] {
  try {
    return (JSON.parse(readFileSync(resolve(file), 'utf8')) as { results: MutantResult[] }).results
  } catch (error) {
    return usage(`--rerun ${file}: ${(error as Error).message}`)
  }
}

function readProgress(file: string): MutantResult[] {
  let text: string
  try {
    text = readFileSync(resolve(file), 'utf8')
  } catch (error) {
    return usage(`--resume ${file}: ${(error as Error).message}`)
  }
  // The last line of a run killed mid-write may be cut short: every complete line counts.
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  return lines.flatMap((line, index) => {
    try {
      return [JSON.parse(line) as MutantResult]
    } catch {
      if (index === lines.length - 1) return []
      return usage(`--resume ${file}: line ${index + 1} is not JSON`)
    }
  })
}

/**
 * Each earlier survivor once, as a mutant of today's sources (two identical edits on one line stay
 * two), and the survivors that no longer exist as mutants (their line was rewritten or moved).
 */
function survivorsAgain(generated: Mutant[], earlier: MutantResult[]): { again: Mutant[]; gone: MutantResult[] } {
  const taken = new Set<Mutant>()
  const gone: MutantResult[] = []
  for (const survivor of earlier.filter((r) => r.status === 'survived')) {
    // The same edit of the same text in the same file, on the nearest line: lines move when code above changes.
    const candidates = generated.filter((m) => !taken.has(m) && sameEdit(survivor, m) && Math.abs(m.line - survivor.line) <= MAX_LINE_DRIFT)
    const match = candidates.sort((a, b) => Math.abs(a.line - survivor.line) - Math.abs(b.line - survivor.line))[0]
    if (match !== undefined) taken.add(match)
    else gone.push(survivor)
  }
  return { again: generated.filter((m) => taken.has(m)), gone }
}

type MutantIdentity = Pick<MutantResult, 'file' | 'line' | 'operator' | 'original' | 'replacement'>
const sameEdit = (a: MutantIdentity, b: MutantIdentity): boolean => a.file === b.file && a.operator === b.operator && a.original === b.original && a.replacement === b.replacement
const sameMutant = (a: MutantIdentity, b: MutantIdentity): boolean => sameEdit(a, b) && a.line === b.line
/** How far a survivor's line may have moved and still be recognised by --rerun. */
const MAX_LINE_DRIFT = 40

/** The repository as it is now (tracked and untracked, not ignored), in a scratch directory. */
function scratchCopy(): string {
  const work = mkdtempSync(join(tmpdir(), 'mitmlab-mutation-'))
  // mkdtemp makes it 0700: read-only-store.test.ts runs the CLI as `nobody` (root ignores permission
  // bits), which must be able to read the copy, as it can read a checkout.
  chmodSync(work, 0o755)
  const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0')
  for (const file of listed) {
    if (file === '' || file === 'node_modules' || !existsSync(join(ROOT, file)) || statSync(join(ROOT, file)).isDirectory()) continue
    mkdirSync(dirname(join(work, file)), { recursive: true })
    copyFileSync(join(ROOT, file), join(work, file))
  }
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(work, 'node_modules'))
  return work
}

function testFiles(work: string, entries: readonly string[]): string[] {
  const found: string[] = []
  const walk = (path: string): void => {
    if (!existsSync(path)) usage(`test path ${relative(work, path)} does not exist (scripts/mutation/targets.ts)`)
    if (statSync(path).isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name))
    else if (path.endsWith('.test.ts')) found.push(path)
  }
  for (const entry of entries) walk(join(work, entry))
  return found
}

async function startVitest(work: string): Promise<Vitest> {
  return createVitest('test', {
    root: work,
    config: join(work, 'vitest.config.ts'),
    watch: false,
    reporters: [{ onInit: () => undefined }],
    silent: true,
    testTimeout: testTimeoutMs,
    hookTimeout: testTimeoutMs,
  })
}

async function runFiles(vitest: Vitest, files: string[]): Promise<RunFailures> {
  const result = await vitest.runTestFiles(files)
  // The result may also list modules of earlier runs: only these files count.
  const asked = new Set(files)
  const failures: RunFailures = { tests: new Set(), modules: new Set() }
  const ran = new Set<string>()
  for (const module of result.testModules) {
    if (!asked.has(module.moduleId)) continue
    ran.add(module.moduleId)
    if (module.errors().length > 0) failures.modules.add(module.moduleId)
    for (const test of module.children.allTests()) if (test.result().state === 'failed') failures.tests.add(`${module.moduleId} > ${test.fullName}`)
  }
  for (const file of files) if (!ran.has(file)) failures.modules.add(file)
  if (result.unhandledErrors.length > 0) failures.modules.add('(unhandled error)')
  return failures
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([promise, new Promise<'timeout'>((done) => (timer = setTimeout(() => done('timeout'), ms)))]).finally(() => clearTimeout(timer))
}

const progressFile = `${resolve(ROOT, values.out ?? 'test-results/mutation')}.progress.jsonl`

// A mutant of processIsAlive's `process.kill(pid, 0)` (lab-store.ts) sends SIGHUP instead of probing,
// and lab-store.test.ts probes process.ppid, which under this runner is the runner itself: SIGHUP's
// default action ended two runs without a word. Ignored here, the mutant is judged on what the tests see.
process.on('SIGHUP', () => undefined)

async function main(): Promise<number> {
  mkdirSync(dirname(progressFile), { recursive: true })
  writeFileSync(progressFile, '')
  const work = scratchCopy()
  // Ctrl-C or a kill: the scratch copy goes too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      rmSync(work, { recursive: true, force: true })
      process.exit(2)
    })
  }
  let vitest = await startVitest(work)
  const results: MutantResult[] = []
  const summaries: GroupSummary[] = []
  const started = Date.now()
  try {
    for (const target of targets) {
      const summary = await runGroup(target)
      summaries.push(summary)
    }
  } finally {
    await vitest.close()
    rmSync(work, { recursive: true, force: true })
  }
  report(summaries, results, Date.now() - started)
  const total = totals(summaries)
  return total.score >= threshold ? 0 : 1

  async function runGroup(target: MutationTarget): Promise<GroupSummary> {
    const generated = target.sources.flatMap((source) => mutantsOf(source, readFileSync(join(work, source), 'utf8')))
    const earlier = previous?.filter((r) => r.group === target.group) ?? []
    const groupResults: MutantResult[] = earlier.filter((r) => r.status !== 'survived')
    const rerun = previous === null ? null : survivorsAgain(generated, earlier)
    const chosen = rerun === null ? seededSample(generated, perGroup, seed) : rerun.again
    // A survivor whose code was rewritten since cannot be run again: it stays a survivor (named in the
    // report) rather than leaving the count, so rewriting code never raises the score by itself.
    for (const survivor of rerun?.gone ?? []) {
      console.log(`[${target.group}] no longer a mutant of today's sources, kept as a survivor: ${survivor.file}:${survivor.line} ${survivor.operator}`)
      groupResults.push({ ...survivor, gone: true })
    }
    results.push(...groupResults)
    const files = testFiles(work, target.tests)
    const baseline: RunFailures = chosen.length === 0 ? noFailures() : await runFiles(vitest, files)
    const kept = files.filter((file) => !baseline.modules.has(file))
    const excludedTests = [...baseline.modules, ...baseline.tests].map((name) => relative(work, name))
    if (excludedTests.length > 0) console.log(`[${target.group}] left out, failing without any mutant:\n  ${excludedTests.join('\n  ')}`)
    console.log(`[${target.group}] ${generated.length} mutants, running ${chosen.length} against ${kept.length} test files`)
    if (values.list || kept.length === 0) return summarize(target.group, generated.length, groupResults, excludedTests)
    for (const [index, mutant] of chosen.entries()) {
      const { start: _start, end: _end, ...where } = mutant
      const judged = resumed.find((r) => r.group === target.group && sameMutant(r, where) && !groupResults.includes(r))
      let result: MutantResult
      if (judged !== undefined) {
        result = judged
      } else {
        const began = Date.now()
        const outcome = await judge(mutant, kept, baseline)
        result = { ...where, group: target.group, status: outcome.status, ms: Date.now() - began, ...(outcome.killedBy === undefined ? {} : { killedBy: outcome.killedBy }) }
      }
      groupResults.push(result)
      results.push(result)
      // One line per mutant as it finishes, so an interrupted run keeps what it found.
      appendFileSync(progressFile, `${JSON.stringify(result)}\n`)
      const by = result.killedBy === undefined ? '' : ` by ${result.killedBy}`
      console.log(`[${target.group}] ${index + 1}/${chosen.length} ${judged === undefined ? '' : '(resumed) '}${result.status.padEnd(8)} ${mutant.file}:${mutant.line} ${mutant.operator} ${oneLine(mutant.original)} → ${oneLine(mutant.replacement)} (${Math.round(result.ms / 100) / 10} s${by})`)
    }
    return summarize(target.group, generated.length, groupResults, excludedTests)
  }

  /** One mutant written, its tests run (file by file up to the first kill, or all at once), the file restored. */
  async function judge(mutant: Mutant, files: string[], baseline: RunFailures): Promise<{ status: Status; killedBy?: string }> {
    const path = join(work, mutant.file)
    const original = readFileSync(path, 'utf8')
    const deadline = Date.now() + timeoutMs
    const batches = values['all-files'] ? [files] : orderTestFiles(mutant.file, files, (file) => readFileSync(file, 'utf8')).map((file) => [file])
    let outcome: { status: Status; killedBy?: string } = { status: 'survived' }
    try {
      writeFileSync(path, applyMutant(original, mutant))
      vitest.invalidateFile(path)
      for (const batch of batches) {
        const failures = await withTimeout(runFiles(vitest, batch), Math.max(1, deadline - Date.now()))
        if (failures === 'timeout') {
          outcome = { status: 'timeout' }
          break
        }
        if (isKilled(baseline, failures)) {
          outcome = { status: 'killed', killedBy: batch.length === 1 ? relative(work, batch[0] ?? '') : 'one of the group\'s files' }
          break
        }
      }
    } finally {
      writeFileSync(path, original)
      vitest.invalidateFile(path)
    }
    if (outcome.status === 'timeout') {
      // A mutant that hangs a worker: start over with a fresh Vitest (bounded wait for the old one).
      await withTimeout(vitest.close(), 10_000)
      vitest = await startVitest(work)
    }
    return outcome
  }
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ')
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat
}

function summarize(group: string, generated: number, groupResults: MutantResult[], excludedTests: string[]): GroupSummary {
  const count = (status: Status): number => groupResults.filter((r) => r.status === status).length
  const killed = count('killed')
  const timeout = count('timeout')
  const run = groupResults.length
  return { group, generated, run, killed, timeout, survived: count('survived'), score: run === 0 ? 0 : (100 * (killed + timeout)) / run, excludedTests }
}

function totals(summaries: GroupSummary[]): GroupSummary {
  const sum = (key: 'generated' | 'run' | 'killed' | 'timeout' | 'survived'): number => summaries.reduce((n, s) => n + s[key], 0)
  const run = sum('run')
  return {
    group: 'total',
    generated: sum('generated'),
    run,
    killed: sum('killed'),
    timeout: sum('timeout'),
    survived: sum('survived'),
    score: run === 0 ? 0 : (100 * (sum('killed') + sum('timeout'))) / run,
    excludedTests: summaries.flatMap((s) => s.excludedTests),
  }
}

function report(summaries: GroupSummary[], results: MutantResult[], elapsedMs: number): void {
  const rows = [...summaries, totals(summaries)].map(
    (s) => `| ${s.group} | ${s.generated} | ${s.run} | ${s.killed} | ${s.timeout} | ${s.survived} | ${s.score.toFixed(1)} % |`,
  )
  const survivors = results
    .filter((r) => r.status === 'survived')
    .map((r) => `- \`${r.file}:${r.line}\` ${r.operator}: \`${oneLine(r.original)}\` → \`${oneLine(r.replacement)}\`${r.gone === true ? ' (code rewritten since; not run again)' : ''}`)
  const markdown = [
    `Mutation run: seed ${seed}, up to ${values['per-group'] ?? ''} mutants per group${values.rerun === undefined ? '' : `, survivors of ${values.rerun} run again`}, ${Math.round(elapsedMs / 1000)} s, Node ${process.versions.node}.`,
    '',
    '| group | mutants | run | killed | timed out | survived | score |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    survivors.length > 0 ? 'Surviving mutants:' : 'No mutant survived.',
    ...survivors,
    '',
  ].join('\n')
  console.log(`\n${markdown}`)
  const out = resolve(ROOT, values.out ?? 'test-results/mutation')
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(`${out}.md`, markdown)
  writeFileSync(`${out}.json`, `${JSON.stringify({ seed, perGroup: values['per-group'], elapsedMs, summaries, results }, null, 2)}\n`)
  console.log(`written: ${relative(ROOT, `${out}.md`)}, ${relative(ROOT, `${out}.json`)}`)
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test:mutation: ${(error as Error).stack ?? String(error)}`)
    process.exit(2)
  },
)
