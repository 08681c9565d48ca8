import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { catalogFiles } from '../../scenarios/catalog/index.js'
import { runCommand } from '../../server/cli/run-command.js'
import { validateScenarioFiles } from '../../server/cli/scenarios-command.js'
import { runMitmlab, startCli } from '../support/cli-process.js'

const GOOD = 'scenarios/catalog/chain/expired-intermediate.yaml'

function badCopy(dir: string): string {
  const file = join(dir, 'broken.yaml')
  writeFileSync(file, readFileSync(GOOD, 'utf8').replace('notAfter: -30d', 'notAfter: last month'))
  return file
}

/** An in-memory stream, for the in-process command functions. */
function sink(): { stream: NodeJS.WritableStream; text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk.toString()), done()) })
  return { stream, text: () => chunks.join('') }
}

describe('mitmlab scenarios validate', () => {
  it('exits 1 naming the file and field of an invalid file (the registered command)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mitmlab-sf-'))
    const bad = badCopy(dir)
    const mixed = await runMitmlab(['scenarios', 'validate', GOOD, bad])
    expect(mixed.code).toBe(1)
    expect(mixed.stderr).toContain(`${bad}: chain.certificates[0].notAfter: expected a duration like "-30d" or an ISO date`)
    expect(mixed.stdout).toContain(`ok ${GOOD}: expired-intermediate (reject at DATES)`)
    expect(mixed.stdout).toContain('1 valid, 1 invalid')
  })

  it('returns 0 for valid files and lists what each compiles to', () => {
    const out = sink()
    const err = sink()
    expect(validateScenarioFiles([GOOD, 'scenarios/catalog/names/common-name-only.yaml'], out.stream, err.stream)).toBe(0)
    expect(err.text()).toBe('')
    expect(out.text()).toContain('common-name-only (reject at HOST), common-name-only-legacy (accept)')
    expect(out.text()).toContain('2 valid, 0 invalid')
  })

  it('validates every shipped catalog file (what it checks with no arguments)', () => {
    const out = sink()
    const err = sink()
    const files = catalogFiles()
    expect(validateScenarioFiles(files, out.stream, err.stream), err.text()).toBe(0)
    expect(out.text()).toContain(`${files.length} valid, 0 invalid`)
    expect(files.length).toBeGreaterThanOrEqual(60)
  })

  it('refuses an id another scenario already uses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mitmlab-sf-'))
    const copy = join(dir, 'copy.yaml')
    writeFileSync(copy, readFileSync(GOOD, 'utf8'))
    const err = sink()
    expect(validateScenarioFiles([copy], sink().stream, err.stream)).toBe(1)
    expect(err.text()).toContain(`${copy}: id: "expired-intermediate" is already used by ${GOOD}`)
  })
})

describe('mitmlab run --scenario-file', () => {
  it('runs the scenarios of a file and stores the run', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-sf-'))
    const result = await runMitmlab(['run', '--data-dir', dataDir, '--quiet', '--scenario-file', GOOD])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/expired-intermediate\s+attack\s+DATES\s+DATES CERT_EXPIRED\s+reject/)
    const db = new Database(join(dataDir, 'mitmlab.sqlite'), { readonly: true })
    expect(db.prepare('SELECT scenario_id, catching_step FROM scenario_results').all()).toEqual([
      { scenario_id: 'expired-intermediate', catching_step: 'DATES' },
    ])
    db.close()
  })

  it('rejects a malformed file with its message, before the PKI or the store is touched', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-sf-'))
    const bad = badCopy(dataDir)
    const attempt = runCommand({ dataDir, store: true, quiet: true, failOn: 'unexpected', scenarioFile: [GOOD, bad] })
    await expect(attempt).rejects.toThrow(`${bad}: chain.certificates[0].notAfter: expected a duration like "-30d" or an ISO date`)
    await expect(attempt).rejects.toMatchObject({ code: 'SCENARIO_INVALID' })
    expect(existsSync(join(dataDir, 'pki'))).toBe(false)
    expect(existsSync(join(dataDir, 'mitmlab.sqlite'))).toBe(false)
  })
})

/** `mitmlab ARGS` as a real process with extra environment: exit code and both streams. */
async function mitmlab(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args, env)
  cli.child.stdin.end()
  const { code } = await cli.exited
  return { code, ...cli.output() }
}

/** No stack trace: an expected condition is one line per problem (common rules). */
const STACK_FRAME = /^\s+at .+\(.*:\d+:\d+\)$/m

// Issue 17 items 5 and 6: a file reusing a built-in id ran (and with -s aborted on a UNIQUE
// constraint); a file with an unresolved alias died with a stack trace and exit 1.
describe('mitmlab run --scenario-file refuses a bad file with exit 2', () => {
  it('names the alias of a YAML file whose alias has no anchor', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-sf-'))
    const file = join(dataDir, 'alias.yaml')
    writeFileSync(file, 'id: x\nx: *a9\n')
    const result = await mitmlab(['run', '--no-store', '--quiet', '--data-dir', dataDir, '--scenario-file', file])
    expect(result.code, result.stderr).toBe(2)
    expect(result.stderr).toBe(`mitmlab: Invalid scenario file:\n  ${file}: not valid YAML: Unresolved alias (the anchor must be set before the alias): a9 [SCENARIO_INVALID]\n`)
  }, 60_000)

  it('names the file and the id of a file reusing a built-in id, with -s or without', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-sf-'))
    const file = join(dataDir, 'reuse.yaml')
    writeFileSync(file, readFileSync(GOOD, 'utf8').replace('id: expired-intermediate', 'id: direct-connection'))
    const line = `${file}: id: "direct-connection" is already used by the built-in scenario "direct-connection" (Direct connection (control))`
    for (const args of [['--scenario-file', file], ['-s', 'direct-connection', '--scenario-file', file]]) {
      const result = await mitmlab(['run', '--quiet', '--data-dir', dataDir, ...args])
      expect(result.code, result.stderr).toBe(2)
      expect(result.stderr).toBe(`mitmlab: Invalid scenario file:\n  ${line} [SCENARIO_INVALID]\n`)
    }
    expect(existsSync(join(dataDir, 'mitmlab.sqlite'))).toBe(false)
    const err = sink()
    expect(validateScenarioFiles([file], sink().stream, err.stream)).toBe(1)
    expect(err.text()).toBe(`${line}\n`)
  }, 120_000)
})

// Issue 17 item 7: list and run skipped a broken catalog file without a word and still exited 0.
describe('a broken catalog stops list and run, naming each file (exit 2)', () => {
  it('names a wrong-type file, a duplicate id, an unresolved alias and a built-in id', async () => {
    const catalog = mkdtempSync(join(tmpdir(), 'mitmlab-catalog-'))
    try {
      cpSync('scenarios/catalog', catalog, { recursive: true, filter: (source) => !/\.(ts|md)$/.test(source) })
      const wrongType = join(catalog, 'chain', 'wrong-type.yaml')
      const duplicate = join(catalog, 'names', 'zz-duplicate.yaml')
      const alias = join(catalog, 'crypto', 'alias.yaml')
      writeFileSync(wrongType, readFileSync(GOOD, 'utf8').replace('id: expired-intermediate', 'id: wrong-type').replace('kind: attack', 'kind: [attack]'))
      writeFileSync(duplicate, readFileSync('scenarios/catalog/names/suffix-confusion.yaml', 'utf8'))
      writeFileSync(alias, 'id: x\nx: *a9\n')
      const takesBuiltIn = join(catalog, 'controls', 'takes-built-in.yaml')
      writeFileSync(takesBuiltIn, readFileSync(GOOD, 'utf8').replace('id: expired-intermediate', 'id: direct-connection'))
      const problems = [
        `${wrongType}: kind: Invalid option: expected one of "attack"|"control"`,
        `${duplicate}: id: "suffix-confusion" is already defined by ${join(catalog, 'names', 'suffix-confusion.yaml')}`,
        `${alias}: not valid YAML: Unresolved alias (the anchor must be set before the alias): a9`,
        `${takesBuiltIn}: id: "direct-connection" is already used by the built-in scenario "direct-connection" (Direct connection (control))`,
      ]
      const env = { MITMLAB_CATALOG_DIR: catalog }
      const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-sf-'))
      for (const args of [['list'], ['run', '--no-store', '--quiet', '--data-dir', dataDir, '-s', 'direct-connection']]) {
        const result = await mitmlab(args, env)
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2)
        expect(result.stdout).toBe('')
        expect(result.stderr).toBe(`mitmlab: The scenario catalog has 4 problems; fix or remove the file (\`mitmlab scenarios validate\` checks them):\n  ${problems.join('\n  ')} [SCENARIO_INVALID]\n`)
        expect(result.stderr).not.toMatch(STACK_FRAME)
      }
      expect(existsSync(join(dataDir, 'pki'))).toBe(false)
      // The same catalog, repaired, lists again.
      for (const file of [wrongType, duplicate, alias, takesBuiltIn]) rmSync(file)
      const repaired = await mitmlab(['list'], env)
      expect(repaired.code, repaired.stderr).toBe(0)
      expect(repaired.stdout).toMatch(/\n\d+ scenarios\n$/)
    } finally {
      rmSync(catalog, { recursive: true, force: true })
    }
  }, 180_000)
})
