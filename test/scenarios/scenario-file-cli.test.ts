import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { catalogFiles } from '../../scenarios/catalog/index.js'
import { runCommand } from '../../server/cli/run-command.js'
import { validateScenarioFiles } from '../../server/cli/scenarios-command.js'
import { runMitmlab } from '../support/cli-process.js'



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
