import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadOrCreateLabPki } from '../../ca/index.js'
import { storeFile } from '../../server/config.js'
import { LabStore } from '../../server/store/lab-store.js'
import { resultFixture } from '../server/store/result-fixture.js'
import { startCli } from '../support/cli-process.js'
import { canMakeImmutable, setImmutable } from '../support/immutable.js'

/**
 * Issue 10: clear errors (a LabError with a code and a message naming the path)
 * for a data directory that is read-only, full, or holds a newer schema.
 *
 * Tests run as root in CI, and root ignores permission bits, so `chmod 500`
 * proves nothing. Two things really stop root:
 *   - a path beneath a regular file (ENOTDIR), which works everywhere;
 *   - the ext4 immutable attribute (`chattr +i`, needs CAP_LINUX_IMMUTABLE):
 *     EPERM for root too. Probed first; skipped with the reason when unavailable.
 * A full disk is simulated with `PRAGMA max_page_count` (SQLITE_FULL), since a
 * small tmpfs needs mount privileges.
 */
const base = mkdtempSync(join(tmpdir(), 'mitmlab-datadir-'))
const immutable: string[] = []
const immutableWorks = canMakeImmutable()

afterAll(() => {
  for (const path of immutable) setImmutable(path, false)
})

function makeImmutable(path: string): void {
  if (!setImmutable(path, true)) throw new Error(`chattr +i ${path} failed`)
  immutable.push(path)
}

const labError = (code: string, path: string): unknown => expect.objectContaining({ code, message: expect.stringContaining(path) })

describe('a data directory that cannot be written', () => {
  it('fails DATA_DIR_NOT_WRITABLE naming the directory when it lies beneath a regular file', () => {
    writeFileSync(join(base, 'a-file'), 'not a directory')
    const dataDir = join(base, 'a-file', 'data')
    expect(() => new LabStore(storeFile(dataDir))).toThrow(labError('DATA_DIR_NOT_WRITABLE', dataDir))
  })

  it.skipIf(!immutableWorks)('fails DATA_DIR_NOT_WRITABLE naming the directory when it is immutable (even for root)', () => {
    const dataDir = join(base, 'immutable-empty')
    mkdirSync(dataDir)
    makeImmutable(dataDir)
    expect(() => new LabStore(storeFile(dataDir))).toThrow(labError('DATA_DIR_NOT_WRITABLE', dataDir))
  })

  it.skipIf(!immutableWorks)('fails DATA_DIR_NOT_WRITABLE naming the file when the store file itself is immutable', () => {
    const dataDir = join(base, 'immutable-file')
    new LabStore(storeFile(dataDir)).close()
    makeImmutable(storeFile(dataDir))
    expect(() => {
      const store = new LabStore(storeFile(dataDir))
      try {
        store.createRun({ id: 'run-1', trigger: 'test', options: {}, scenarioCount: 1 })
      } finally {
        store.close()
      }
    }).toThrow(labError('DATA_DIR_NOT_WRITABLE', storeFile(dataDir)))
  })

  it('makes `mitmlab run` exit 2 with the code and the path', async () => {
    const dataDir = join(base, 'a-file', 'cli-data')
    const cli = startCli(['run', '--data-dir', dataDir, '--quiet'])
    expect(await cli.exited).toEqual({ code: 2, signal: null })
    expect(cli.output().stderr).toMatch(new RegExp(`^mitmlab: .*${dataDir}.*\\[DATA_DIR_NOT_WRITABLE\\]\\n$`))
  }, 30_000)
})

describe('a full disk', () => {
  it('fails DATA_DIR_FULL naming the file, rolls back the result whole and keeps what was committed', () => {
    const store = new LabStore(join(base, 'full', 'mitmlab.sqlite'))
    try {
      store.createRun({ id: 'run-1', trigger: 'test', options: {}, scenarioCount: 100 })
      store.insertScenarioResult(resultFixture('run-1', 0))
      const pages = store.db.pragma('page_count', { simple: true }) as number
      store.db.pragma(`max_page_count = ${pages + 4}`)
      let ordinal = 1
      const fill = (): void => {
        for (; ordinal < 100; ordinal += 1) store.insertScenarioResult(resultFixture('run-1', ordinal))
      }
      expect(fill).toThrow(labError('DATA_DIR_FULL', store.file))
      const stored = store.getResults('run-1')
      expect(stored).toHaveLength(ordinal) // every insert before the failing one, none of the failing one
      expect(stored.every((result) => result.steps.length === 20 && result.connections.length === 1)).toBe(true)
      expect(store.integrityCheck()).toBe('ok')
    } finally {
      store.close()
    }
  })
})

describe('a store from a newer mitmlab', () => {
  function newerStore(dataDir: string): void {
    const store = new LabStore(storeFile(dataDir))
    store.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, ?)').run('999-future.sql', new Date().toISOString())
    store.close()
  }

  it('fails STORE_SCHEMA_NEWER naming the file and both versions, and changes nothing', () => {
    const dataDir = join(base, 'newer')
    newerStore(dataDir)
    expect(() => new LabStore(storeFile(dataDir))).toThrow(
      expect.objectContaining({ code: 'STORE_SCHEMA_NEWER', message: expect.stringMatching(new RegExp(`^${storeFile(dataDir)} has schema version 999, newer than this mitmlab understands \\(\\d+\\)`)) }),
    )
    const check = spawnSync(process.execPath, ['-e', `const D=require('better-sqlite3');const d=new D(${JSON.stringify(storeFile(dataDir))},{readonly:true});console.log(d.prepare('SELECT MAX(version) v FROM schema_migrations').get().v)`], { encoding: 'utf8' })
    expect(check.stdout.trim()).toBe('999')
  })

  it('makes `mitmlab run` exit 2 with STORE_SCHEMA_NEWER and the file', async () => {
    const dataDir = join(base, 'newer-cli')
    newerStore(dataDir)
    // Reuse one PKI instead of paying for five RSA keys in the child.
    cpSync(loadOrCreateLabPki(join(base, 'shared')).dir, join(dataDir, 'pki'), { recursive: true })
    const cli = startCli(['run', '--data-dir', dataDir, '--quiet'])
    expect(await cli.exited).toEqual({ code: 2, signal: null })
    expect(cli.output().stderr).toContain(`mitmlab: ${storeFile(dataDir)} has schema version 999`)
    expect(cli.output().stderr).toContain('[STORE_SCHEMA_NEWER]')
  }, 30_000)
})

describe('a file that is not a store', () => {
  it('fails STORE_FAILED naming the file', () => {
    const dataDir = join(base, 'garbage')
    mkdirSync(dataDir)
    writeFileSync(storeFile(dataDir), 'this is not an SQLite database, just text that happens to be long enough to have a header')
    expect(() => new LabStore(storeFile(dataDir))).toThrow(labError('STORE_FAILED', storeFile(dataDir)))
  })
})
