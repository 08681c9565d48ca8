import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'

function mitmlab(args: string[], stdin: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.on('close', (code) => resolve({ code, stdout }))
    child.stdin.end(stdin)
  })
}

describe('mitmlab train', () => {
  it('grades each prediction against a live run, re-asks on a non-step, and keeps scores per trainee', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-train-'))
    const play = await mitmlab(
      ['train', '--data-dir', dataDir, '--name', 'bob', '--scenario', 'expired-leaf', 'installed-interception-ca'],
      'HOST\nmaybe\nnone\n',
    )
    expect(play.code).toBe(0)
    expect(play.stdout).toContain('Not quite: DATES (Every certificate is within its validity period) caught it — CERT_EXPIRED')
    expect(play.stdout).toContain('"maybe" is not a step')
    expect(play.stdout).toContain('Correct: nothing caught it; the credentials leaked to the proxy.')
    expect(play.stdout).toContain('bob: 1 correct.')

    const db = new Database(join(dataDir, 'mitmlab.sqlite'), { readonly: true })
    expect(db.prepare('SELECT scenario_id, predicted, actual, correct FROM training_answers ORDER BY id').all()).toEqual([
      { scenario_id: 'expired-leaf', predicted: 'HOST', actual: 'DATES', correct: 0 },
      { scenario_id: 'installed-interception-ca', predicted: 'NONE', actual: 'NONE', correct: 1 },
    ])
    db.close()

    const scores = await mitmlab(['train', '--data-dir', dataDir, '--scores'], '')
    expect(scores.stdout).toMatch(/bob\s+1\/2\s+50%\s+1/)
  })
})
