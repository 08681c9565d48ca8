import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const BIN = 'bin/mitmlab.mjs'
const RUNS = 20

/** A V8 stack frame line ("    at fn (file:1:2)") or the addon failure issue 18 saw after the store had closed. */
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$|an addon failed|database connection is not open/m

type Attempt = { attempt: number; exitCode: number; stackTrace: string | null }

/**
 * Issue 18 acceptance: `mitmlab run --scenario wrong-host` ended with "an addon
 * failed on lab:log: … The database connection is not open" and a stack trace,
 * 5 times out of 5. The real command, 20 times in a row on one data dir (the
 * store appends each run): every time exit 0 and no stack trace on either stream.
 */
describe('mitmlab run --scenario wrong-host, 20 times in a row', () => {
  it('exits 0 with no stack trace every time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-twenty-'))
    const attempts: Attempt[] = []
    try {
      for (let attempt = 1; attempt <= RUNS; attempt++) {
        const result = await run(process.execPath, [BIN, 'run', '--scenario', 'wrong-host', '--data-dir', dataDir], {
          maxBuffer: 4 << 20,
          timeout: 60_000,
        }).then(
          ({ stdout, stderr }) => ({ exitCode: 0, output: `${stdout}\n${stderr}` }),
          (error: { code?: number; stdout?: string; stderr?: string }) => ({
            exitCode: typeof error.code === 'number' ? error.code : -1,
            output: `${error.stdout ?? ''}\n${error.stderr ?? ''}`,
          }),
        )
        attempts.push({ attempt, exitCode: result.exitCode, stackTrace: STACK_TRACE.exec(result.output)?.[0] ?? null })
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
    expect(attempts).toEqual(Array.from({ length: RUNS }, (_, index) => ({ attempt: index + 1, exitCode: 0, stackTrace: null })))
  }, 20 * 60_000)
})
