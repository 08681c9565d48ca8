import {
  chmodSync,
  chownSync,
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  statSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { storeFile } from '../../../server/config.js'
import { LabStore } from '../../../server/store/lab-store.js'
import { REPO_ROOT } from '../../support/cli-process.js'
import { resultFixture } from './result-fixture.js'
import { execFile } from 'node:child_process'

const PAGE_SIZE = 4096
/** Who runs the CLI in the read-only case when the tests run as root (root ignores permission bits). */
const NOBODY = 65_534

/** A data dir holding two finished runs of three results each (no PKI: reading needs none). */
function dataDirWithRuns(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-readonly-'))
  const store = new LabStore(storeFile(dataDir))
  for (const id of ['run-a', 'run-b']) {
    store.createRun({ id, trigger: 'test', options: {}, scenarioCount: 3 })
    for (let ordinal = 0; ordinal < 3; ordinal += 1) store.insertScenarioResult(resultFixture(id, ordinal))
    store.finishRun(id, 'passed')
  }
  store.close()
  return dataDir
}

/** Overwrites every page but the first (the header and sqlite_master stay intact): "database disk image is malformed". */
function damagePages(file: string): void {
  const pages = statSync(file).size / PAGE_SIZE
  const fd = openSync(file, 'r+')
  for (let page = 1; page < pages; page += 1)
    writeSync(fd, Buffer.alloc(PAGE_SIZE, 0x5a), 0, PAGE_SIZE, page * PAGE_SIZE)
  closeSync(fd)
}

function mitmlab(
  args: string[],
  options: { uid?: number; gid?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'server/cli/main.ts', ...args],
      { cwd: REPO_ROOT, timeout: 60_000, ...options },
      (error, stdout, stderr) =>
        resolve({
          code: error === null ? 0 : Number((error as { code?: number }).code ?? 1),
          stdout,
          stderr,
        }),
    )
  })
}

// Issue 17 item 12: a damaged store dumped SqliteError stack traces; a read-only one could not be reported on.
describe('a damaged store', () => {
  it.each([
    ['report', ['report', 'latest']],
    ['diff', ['diff', 'run-a', 'run-b']],
    ['capture', ['capture', 'latest', '-o', join(tmpdir(), 'mitmlab-readonly-capture')]],
    ['serve', ['serve', '--port', '0']],
  ])(
    'makes %s exit 2 with a message naming the file, and no stack trace',
    async (_name, args) => {
      const dataDir = dataDirWithRuns()
      const file = storeFile(dataDir)
      damagePages(file)
      const result = await mitmlab([...args, '--data-dir', dataDir])
      expect(result.stderr).toContain(`The store ${file} is damaged`)
      expect(result.stderr).not.toMatch(/^\s+at /m)
      expect(result.stderr).not.toContain('SqliteError')
      expect(result.code).toBe(2)
    },
    60_000,
  )
})

describe('a store this user cannot write', () => {
  it('is reported on, diffed and captured with read access only, and left untouched', async () => {
    const dataDir = dataDirWithRuns()
    const file = storeFile(dataDir)
    const before = readdirSync(dataDir).sort()
    const asRoot = process.getuid?.() === 0
    if (asRoot) {
      chownSync(dataDir, NOBODY, NOBODY)
      chownSync(file, NOBODY, NOBODY)
    }
    chmodSync(file, 0o400)
    chmodSync(dataDir, 0o500)
    const who = asRoot ? { uid: NOBODY, gid: NOBODY } : {}
    const out = mkdtempSync(join(tmpdir(), 'mitmlab-readonly-out-'))
    chmodSync(out, 0o777)
    try {
      const report = await mitmlab(['report', 'latest', '--format', 'md', '--data-dir', dataDir], who)
      expect(report.stderr).toBe('')
      expect(report.code).toBe(0)
      expect(report.stdout).toContain('run-b')
      const diff = await mitmlab(['diff', 'run-a', 'run-b', '--data-dir', dataDir], who)
      expect([diff.code, diff.stderr]).toEqual([0, ''])
      const capture = await mitmlab(['capture', 'run-a', '-o', out, '--data-dir', dataDir], who)
      expect([capture.code, capture.stderr]).toEqual([0, ''])
      expect(readdirSync(dataDir).sort()).toEqual(before)
    } finally {
      chmodSync(dataDir, 0o700)
    }
  }, 180_000)
})
