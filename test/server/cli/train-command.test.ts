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
    // Wrapped at 80 columns (not a terminal), between words only: read it with the line breaks as spaces.
    expect(play.stdout.split('\n').every((line) => line.length <= 80)).toBe(true)
    const text = play.stdout.replace(/\s+/g, ' ')
    expect(text).toContain('Not quite: DATES (Every certificate is within its validity period) caught it — CERT_EXPIRED')
    expect(text).toContain('"maybe" is not a step')
    expect(text).toContain('Correct: nothing caught it; the credentials leaked to the proxy.')
    expect(text).toContain('bob: 1 correct of 2.')

    const db = new Database(join(dataDir, 'mitmlab.sqlite'), { readonly: true })
    expect(db.prepare('SELECT scenario_id, predicted, actual, correct FROM training_answers ORDER BY id').all()).toEqual([
      { scenario_id: 'expired-leaf', predicted: 'HOST', actual: 'DATES', correct: 0 },
      { scenario_id: 'installed-interception-ca', predicted: 'NONE', actual: 'NONE', correct: 1 },
    ])
    db.close()

    const scores = await mitmlab(['train', '--data-dir', dataDir, '--scores'], '')
    expect(scores.stdout).toMatch(/bob\s+1\/2\s+50%\s+1/)
  })

  it('resumes a quiz left mid-way at the same question with the same score', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-train-'))
    // stdin ends after the first answer: the trainee left.
    const first = await mitmlab(['train', '--data-dir', dataDir, '--name', 'eve', '--scenario', 'wrong-host', 'expired-leaf'], 'HOST\n')
    expect(first.code).toBe(0)
    const quiz = /mitmlab train --resume ([0-9a-f]{16})/.exec(first.stdout)?.[1]
    expect(quiz).toBeDefined()
    expect(first.stdout.replace(/\s+/g, ' ')).toContain('eve: 1 correct of 1.')

    const second = await mitmlab(['train', '--data-dir', dataDir, '--resume', quiz ?? ''], 'DATES\n')
    expect(second.code).toBe(0)
    const text = second.stdout.replace(/\s+/g, ' ')
    expect(text).toContain('2 attacks, resuming at 2 with 1 correct')
    expect(text).toContain('[2/2] Expired certificate for the bank')
    expect(text).not.toContain('[1/2]')
    expect(text).toContain('eve: 2 correct of 2.')
  })

  it('draws from the family the trainee picks, and refuses an unknown one with exit 2', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-train-'))
    const refused = await mitmlab(['train', '--data-dir', dataDir, '--name', 'eve', '--family', 'nope'], '')
    expect(refused.code).toBe(2)
    const play = await mitmlab(['train', '--data-dir', dataDir, '--name', 'eve', '--family', 'sslstrip', '--count', '1'], '')
    expect(play.code).toBe(0)
    expect(play.stdout).toMatch(/\[1\/1\] sslstrip/)
  })
})
