import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { pollUntil, startCli } from '../../support/cli-process.js'

const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-open-cli-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('mitmlab open', () => {
  it('refuses to listen beyond loopback without --token: exit 2, one line, no stack', async () => {
    const cli = startCli(['open', '--host', '0.0.0.0', '--data-dir', dataDir], { MITMLAB_TOKEN: '' })
    const { code } = await cli.exited
    expect(code).toBe(2)
    expect(cli.output().stderr.trim()).toBe(
      'mitmlab: Listening on 0.0.0.0 lets other machines use the open lab: pass --token (at least 16 characters) to protect its visitor list and exports [CONFIG_INVALID]',
    )
  })

  it('names an unknown scenario and exits 2', async () => {
    const cli = startCli(['open', '--scenarios', 'no-such-scenario', '--data-dir', dataDir])
    expect((await cli.exited).code).toBe(2)
    expect(cli.output().stderr).toContain('--scenarios: no scenario "no-such-scenario"')
  })

  it('prints the proxy, the PAC URL, the SNI port, the self-test URL and the root, and stops on SIGTERM', async () => {
    const cli = startCli(['open', '--scenarios', 'direct-connection', 'expired-leaf', '--data-dir', dataDir, '--no-store'])
    const printed = await pollUntil(() => (cli.output().stdout.includes('Ctrl-C to stop.') ? cli.output().stdout : undefined), 'the banner', 60_000)
    const port = /explicit proxy {4}http:\/\/127\.0\.0\.1:(\d+)/.exec(printed)?.[1]
    expect(port).toMatch(/^\d+$/)
    expect(printed).toContain('mitmlab open: 2 scenarios live at <id>.bank.lab (2 a browser can exercise), 0 not served')
    expect(printed).toContain(`PAC file          http://127.0.0.1:${port}/proxy.pac`)
    expect(printed).toContain(`SNI-routed TLS    127.0.0.1:${port}`)
    expect(printed).toContain('self-test         https://bank.lab/selftest')
    expect(printed).toContain('-----BEGIN CERTIFICATE-----')
    const pac = await (await fetch(`http://127.0.0.1:${port}/proxy.pac`)).text()
    expect(pac).toContain(`return "PROXY 127.0.0.1:${port}";`)
    cli.child.kill('SIGTERM')
    expect((await cli.exited).code).toBe(0)
  }, 90_000)
})
