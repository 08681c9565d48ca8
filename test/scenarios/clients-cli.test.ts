import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startCli } from '../support/cli-process.js'

describe('mitmlab run --clients / --client', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-clients-cli-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('skips a client missing from the machine with its reason, runs the rest, and counts a custom `true` as accepting every attack', async () => {
    // PATH without curl: the CLI itself runs by absolute path (node + tsx), /bin/sh runs the custom command.
    const cli = startCli(
      [
        'run',
        '-s',
        'direct-connection',
        'self-signed-leaf',
        'wrong-host',
        '--clients',
        'curl,node-https',
        '--client',
        'true',
        '--no-store',
        '-q',
        '--data-dir',
        dataDir,
      ],
      { PATH: '/nonexistent' },
    )
    const { code } = await cli.exited
    const { stdout, stderr } = cli.output()
    expect(stderr).toMatch(/mitmlab: skipping client curl: curl is not installed/)
    expect(stdout).toMatch(/^ {2}curl: skipped \(curl is not installed/m)
    expect(stdout).toMatch(/^scenario +kind +lab-verifier +node-https +custom$/m)
    expect(stdout).toMatch(/^self-signed-leaf +attack +reject TRUST +reject TRUST +ACCEPT!$/m)
    expect(stdout).toMatch(/^wrong-host +attack +reject HOST +reject HOST +ACCEPT!$/m)
    // client, grade, false accepts, false rejects, not exercised, unmapped, errors (issue 18)
    expect(stdout).toMatch(/^custom +F +2\/2 +0\/1 +0 +0 +0$/m)
    expect(stdout).toMatch(/^node-https +A +0\/2 +0\/1 +0 +0 +0$/m)
    expect(stdout).toContain('wrong-host [custom]: custom accepted an attack that HOST should catch')
    // The default --fail-on unexpected: a client accepting an attack is unexpected.
    expect(code).toBe(1)
  }, 90_000)
})
