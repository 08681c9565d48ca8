import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runMitmlab } from '../../support/cli-process.js'

/** Long ids and long node errors: the widest rows the catalog has. */
const SCENARIOS = ['probabilistic-attack-repeated-connections', 'client-hello-drop-strong-suites', 'self-signed-leaf', 'direct-connection']

const widest = (text: string): number => Math.max(...text.split('\n').map((line) => line.length))

describe('mitmlab run, runs, report, capture: 100 columns and unknown ids', () => {
  let dataDir: string
  let run: { code: number; stdout: string; stderr: string }
  let runId: string

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-cli-widths-'))
    run = await runMitmlab(['run', '--data-dir', dataDir, '--quiet', '--scenario', ...SCENARIOS, '--clients', 'node,openssl'], 120_000)
    runId = /^run (\S+):/m.exec(run.stdout)?.[1] ?? ''
  }, 150_000)

  it('prints every table and sentence of a multi-client run within 100 columns, in (scenario, client) units', () => {
    expect(runId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/)
    expect(widest(run.stdout), run.stdout).toBeLessThanOrEqual(100)
    expect(run.stdout).toMatch(/4 scenarios × 3 clients, \d+\/12 as expected/)
    // A long id is never cut: it goes on a line of its own.
    expect(run.stdout).toMatch(/^probabilistic-attack-repeated-connections$/m)
  })

  it('lists the stored run with its id, scenarios × clients and as-expected count, within 100 columns', async () => {
    const runs = await runMitmlab(['runs', '--data-dir', dataDir])
    expect(runs.code, runs.stderr).toBe(0)
    expect(widest(runs.stdout)).toBeLessThanOrEqual(100)
    const row = runs.stdout.split('\n').find((line) => line.startsWith(runId))
    expect(row).toMatch(/\s4 × 3\s+\d+\/12\s/)
    // Narrow: the matrix's short client names; --wide: the ids.
    expect(row).toMatch(/\slab,node,ossl$/)
    expect((await runMitmlab(['runs', '--data-dir', dataDir, '--wide'])).stdout).toContain('lab-verifier,node-https,openssl')
    const json = JSON.parse((await runMitmlab(['runs', '--data-dir', dataDir, '--json'])).stdout) as { id: string; scenarios: number; clients: string[]; results: number }[]
    expect(json[0]).toMatchObject({ id: runId, scenarios: 4, clients: ['lab-verifier', 'node-https', 'openssl'], results: 12 })
  })

  it('refuses unknown run and scenario ids with exit 2 and a message naming them, no stack trace', async () => {
    const out = join(dataDir, 'captures')
    const cases = [
      { args: ['capture', runId, '-o', out, '-s', 'nonexistent'], says: 'no scenario "nonexistent"' },
      { args: ['capture', 'no-such-run', '-o', out], says: 'No run "no-such-run"' },
      { args: ['report', 'no-such-run'], says: 'No run "no-such-run"' },
      { args: ['diff', runId, 'no-such-run'], says: 'No run "no-such-run"' },
      { args: ['train', '--name', 'alice', '-s', 'nonexistent'], says: 'No scenario "nonexistent"' },
    ]
    for (const { args, says } of cases) {
      const result = await runMitmlab([...args, '--data-dir', dataDir])
      expect({ args, code: result.code, says: result.stderr.includes(says), trace: /\n\s+at /.test(result.stderr) }).toEqual({ args, code: 2, says: true, trace: false })
    }
  }, 60_000)
})
