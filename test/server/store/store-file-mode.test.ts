import { chmodSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LabStore } from '../../../server/store/lab-store.js'

const modeOf = (path: string): number => statSync(path).mode & 0o777

/** An existing data dir as a user makes it: 0755, with the usual umask. */
function openDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mitmlab-mode-'))
  chmodSync(dir, 0o755)
  return dir
}

// Issue 17 item 13: mitmlab.sqlite (TLS key-log secrets) was created 0644 in an existing 0755 data dir.
describe('the store file', () => {
  it('is created 0600, and so are its -wal and -shm, whatever the umask', () => {
    const file = join(openDataDir(), 'mitmlab.sqlite')
    const previous = process.umask(0o022)
    let store: LabStore | undefined
    try {
      store = new LabStore(file)
      store.createRun({ id: 'run-1', trigger: 'test', options: {}, scenarioCount: 0 })
      expect(existsSync(`${file}-wal`) && existsSync(`${file}-shm`)).toBe(true)
      expect([modeOf(file), modeOf(`${file}-wal`), modeOf(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600])
    } finally {
      store?.close()
      process.umask(previous)
    }
  })

  it('is made private again when an older mitmlab left it readable by others', () => {
    const file = join(openDataDir(), 'mitmlab.sqlite')
    new LabStore(file).close()
    chmodSync(file, 0o644)
    const store = new LabStore(file)
    try {
      expect(modeOf(file)).toBe(0o600)
    } finally {
      store.close()
    }
  })

  it('an empty file left by an interrupted first start opens as an empty store', () => {
    const file = join(openDataDir(), 'mitmlab.sqlite')
    writeFileSync(file, '', { mode: 0o600 })
    const store = new LabStore(file)
    try {
      expect(store.listRuns()).toEqual([])
    } finally {
      store.close()
    }
  })
})
