import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { runMitmlab } from '../../support/cli-process.js'



describe('mitmlab run', () => {
  it('prints the table, stores the run, and appends on a second run', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-cli-'))
    const jsonFile = join(dataDir, 'result.json')
    const first = await runMitmlab(['run', '--data-dir', dataDir, '--scenario', 'direct-connection', 'self-signed-leaf', '--json', jsonFile])
    expect(first.code, first.stderr).toBe(0)
    // Fits 100 columns: node's error code is the column that gives up width (`--wide` shows it whole).
    expect(first.stdout).toMatch(/self-signed-leaf\s+attack\s+TRUST\s+TRUST SELF_SIGNED_LEAF\s+reject\s+DEPTH_ZERO_SE…\s+no\s+ok/)
    expect(first.stdout).toMatch(/2 scenarios × 1 client, 2\/2 as expected, 0 unexpected/)
    const json = JSON.parse(readFileSync(jsonFile, 'utf8')) as { run: { status: string }; results: { scenarioId: string }[] }
    expect(json.run.status).toBe('passed')
    expect(json.results.map((r) => r.scenarioId)).toEqual(['direct-connection', 'self-signed-leaf'])

    const second = await runMitmlab(['run', '--data-dir', dataDir, '--scenario', 'wrong-host', '--quiet'])
    expect(second.code, second.stderr).toBe(0)

    const db = new Database(join(dataDir, 'mitmlab.sqlite'), { readonly: true })
    const runs = db.prepare('SELECT status FROM runs ORDER BY started_at').all()
    const results = db.prepare('SELECT scenario_id, catching_step FROM scenario_results ORDER BY run_id, ordinal').all()
    const steps = db.prepare('SELECT COUNT(*) AS n FROM step_results').get() as { n: number }
    db.close()
    expect(runs).toEqual([{ status: 'passed' }, { status: 'passed' }])
    expect(results).toEqual([
      { scenario_id: 'direct-connection', catching_step: null },
      { scenario_id: 'self-signed-leaf', catching_step: 'TRUST' },
      { scenario_id: 'wrong-host', catching_step: 'HOST' },
    ])
    expect(steps.n).toBe(60)
    // The PKI's private keys are the user's alone.
    expect(statSync(join(dataDir, 'pki', 'interceptionCa.key.pem')).mode & 0o777).toBe(0o600)
  })

  it('names an unknown scenario and exits 2 without running anything', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-cli-'))
    const result = await runMitmlab(['run', '--data-dir', dataDir, '--scenario', 'no-such-attack'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('No scenario "no-such-attack"')
    expect(result.stderr).toContain('[SCENARIO_NOT_FOUND]')
  })
})

describe('mitmlab list', () => {
  it('lists every scenario with its expected step', async () => {
    const result = await runMitmlab(['list'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/leaf-used-as-ca\s+attack\s+BC/)
    expect(result.stdout).toMatch(/\d+ scenarios\n$/)
  })
})
