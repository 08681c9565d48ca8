import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { contentKey } from '../../scenarios/scenario-file/spec-cache.js'

const run = promisify(execFile)
const BIN = 'bin/mitmlab.mjs'

/**
 * Issue 16 item 4: `mitmlab` runs the JavaScript `npm install` built into dist/ (scripts/build.mjs).
 * What it prints must be exactly what the TypeScript sources print; `npm ci` builds dist/ in CI.
 */
describe('the compiled mitmlab command', () => {
  it('exists after npm install (the prepare script)', () => {
    expect(existsSync('dist/server/cli/main.js'), 'dist/ is missing: run `npm run build`').toBe(true)
    expect(existsSync('dist/help.txt')).toBe(true)
    expect(existsSync('dist/scenario-file-cache.json')).toBe(true)
  })

  it('lists exactly the scenarios the sources list, with the same expectations', async () => {
    const [compiled, source] = await Promise.all([
      run(process.execPath, [BIN, 'list', '--json'], { maxBuffer: 16 << 20 }),
      run(process.execPath, [BIN, 'list', '--json'], { env: { ...process.env, MITMLAB_FROM_SOURCE: '1' }, maxBuffer: 16 << 20 }),
    ])
    expect(JSON.parse(compiled.stdout)).toEqual(JSON.parse(source.stdout))
    expect((JSON.parse(compiled.stdout) as unknown[]).length).toBeGreaterThan(130)
  }, 120_000)

  it("does not use the build's list once a catalog file changed: the edited title shows", async () => {
    const catalog = mkdtempSync(join(tmpdir(), 'mitmlab-catalog-'))
    try {
      cpSync('scenarios/catalog', catalog, { recursive: true })
      const file = join(catalog, 'chain', 'expired-intermediate.yaml')
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^title: .*$/m, 'title: Edited after the build'))
      const { stdout } = await run(process.execPath, [BIN, 'list', '--json'], { env: { ...process.env, MITMLAB_CATALOG_DIR: catalog }, maxBuffer: 16 << 20 })
      const listed = JSON.parse(stdout) as { id: string; title: string }[]
      expect(listed.find((s) => s.id === 'expired-intermediate')?.title).toBe('Edited after the build')
    } finally {
      rmSync(catalog, { recursive: true, force: true })
    }
  }, 120_000)

  it('prints the same top-level help as the sources', async () => {
    const [compiled, source] = await Promise.all([
      run(process.execPath, [BIN, '--help']),
      run(process.execPath, [BIN, '--help'], { env: { ...process.env, MITMLAB_FROM_SOURCE: '1' } }),
    ])
    expect(compiled.stdout).toBe(source.stdout)
    expect(compiled.stdout).toContain('Usage: mitmlab')
  }, 120_000)
})

describe('the scenario-file cache key', () => {
  it('covers the bytes and the parser the extension selects', () => {
    expect(contentKey('a.yaml', 'id: x')).toBe(contentKey('b.yml'.replace('yml', 'yaml'), 'id: x'))
    expect(contentKey('a.yaml', 'id: x')).not.toBe(contentKey('a.yaml', 'id: y'))
    expect(contentKey('a.yaml', '{}')).not.toBe(contentKey('a.json', '{}'))
  })
})
