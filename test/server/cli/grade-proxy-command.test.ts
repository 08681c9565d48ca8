import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runMitmlab } from '../../support/cli-process.js'

describe('mitmlab grade-proxy', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-grade-cli-'))

  it('refuses an unknown product or a --proxy-cmd without {port} with exit 2 and a sentence, no stack trace', async () => {
    const unknown = await runMitmlab(['grade-proxy', '--data-dir', dataDir, '--product', 'bluecoat'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toBe('mitmlab: --product bluecoat is not a known product; known: mitmproxy, mitmproxy-ssl-insecure, squid, sslsplit, all (or --proxy-cmd for another) [CONFIG_INVALID]\n')
    const noPort = await runMitmlab(['grade-proxy', '--data-dir', dataDir, '--proxy-cmd', 'myproxy --ca {ca_cert}'])
    expect(noPort.code).toBe(2)
    expect(noPort.stderr).toContain('mitmlab: --proxy-cmd must contain {port}: where the product listens')
    const typo = await runMitmlab(['grade-proxy', '--data-dir', dataDir, '--proxy-cmd', 'myproxy {port} {ca_crt}'])
    expect(typo.stderr).toContain('--proxy-cmd has unknown placeholder(s) {ca_crt}')
  })

  it('lists the defects, saying which this OpenSSL cannot serve', async () => {
    const list = await runMitmlab(['grade-proxy', '--list-defects'])
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(/^control\s+control\s+valid chain \(control\)/m)
    expect(list.stdout).toMatch(/^tls10-only\s+protocol\s+TLS 1\.0-only server/m)
    expect(list.stdout).toMatch(/^3des-only\s+not served\s+OpenSSL 3\.5/m)
  })

  it('exits 2 naming the product when it dies before listening, and still prints the table', async () => {
    const dead = await runMitmlab(['grade-proxy', '--data-dir', dataDir, '--no-store', '--defects', 'expired', '--proxy-cmd', 'sh -c "echo cannot bind {port} >&2; exit 3"'], 60_000)
    expect(dead.code).toBe(2)
    expect(dead.stderr).toMatch(/custom: not graded: --proxy-cmd exited with 3 before listening on 127\.0\.0\.1:\d+: cannot bind \d+/)
    expect(dead.stdout).toContain('| custom | skipped | --proxy-cmd exited with 3')
  }, 90_000)
})
