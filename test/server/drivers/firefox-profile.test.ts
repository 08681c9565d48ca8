import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { chainPem } from '../../../ca/index.js'
import type { DriverTarget } from '../../../server/drivers/client-driver.js'
import { createFirefoxProfile, firefoxPrefs, hstsState } from '../../../server/drivers/firefox-profile.js'
import { VICTIM_CREDENTIALS } from '../../../server/genuine/bank-site.js'
import { testPki } from '../../support/lab-pki.js'

const target = (host: string, caFile = '/nonexistent'): DriverTarget => ({
  host,
  connectTo: { host: '127.0.0.1', port: 40001 },
  tunnel: { host: '127.0.0.1', port: 40002 },
  caFile,
  credentials: VICTIM_CREDENTIALS,
  timeoutMs: 10_000,
})

describe('the Firefox profile', () => {
  it('sends every http and https URL through the scenario tunnel, and loopback only for an IP-literal victim', () => {
    const prefs = firefoxPrefs(target('bank.lab'))
    expect(prefs).toMatchObject({
      'network.proxy.type': 1,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': 40002,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': 40002,
      'network.proxy.no_proxies_on': '',
      'network.proxy.allow_hijacking_localhost': false,
    })
    expect(firefoxPrefs(target('127.0.0.1'))['network.proxy.allow_hijacking_localhost']).toBe(true)
  })

  it('sets no pref that overrides or weakens a certificate check', () => {
    const weakening = /cert_?override|certerrors\.permanentOverride|security\.ssl\.enable_ocsp_must_staple|pki\.name_matching_mode|security\.ssl\.require_safe_negotiation|security\.pki\.certificate_transparency|security\.tls\.version\.min|security\.mixed_content|security\.insecure/i
    expect(Object.keys(firefoxPrefs(target('bank.lab'))).filter((name) => weakening.test(name))).toEqual([])
  })

  it('writes preloaded HSTS names in the store’s text format, keyed bare and with the top-level partition key', () => {
    expect(hstsState(['bank.lab'], new Date('2026-12-05T12:00:00Z'))).toBe(
      'bank.lab\t1\t20792\t4102358400000,1,1\nbank.lab^partitionKey=%28https%2Cbank.lab%29\t1\t20792\t4102358400000,1,1\n',
    )
    expect(hstsState([])).toBe('')
  })

  const hasCertutil = spawnSync('which', ['certutil']).status === 0
  it.skipIf(!hasCertutil)(`holds exactly the victim's roots in its NSS database${hasCertutil ? '' : ' (skipped: certutil not on PATH; Debian package libnss3-tools)'}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mitmlab-firefox-profile-test-'))
    const caFile = join(dir, 'roots.pem')
    writeFileSync(caFile, chainPem(testPki().trustedRoot))
    const profile = await createFirefoxProfile({ ...target('bank.lab', caFile), hsts: { preloaded: ['bank.lab'] } })
    try {
      const listed = spawnSync('certutil', ['-d', `sql:${profile.directory}`, '-L'], { encoding: 'utf8' })
      expect(listed.stdout.split('\n').filter((line) => /^lab-root-/.test(line)).map((line) => line.replace(/\s+/g, ' ').trim())).toEqual(['lab-root-0 C,,'])
      expect(readFileSync(join(profile.directory, 'SiteSecurityServiceState.txt'), 'utf8')).toMatch(/^bank\.lab\t1\t\d+\t4102358400000,1,1\n/)
      expect(profile.refusedRoots).toEqual([])
    } finally {
      profile.remove()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
