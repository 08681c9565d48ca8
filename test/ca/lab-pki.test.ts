import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadOrCreateLabPki, type LabPki, type LabPkiRole } from '../../ca/index.js'

const ROLES: LabPkiRole[] = ['trustedRoot', 'trustedIntermediate', 'genuineLeaf', 'attackerCa', 'interceptionCa']
const freshDataDir = (): string => mkdtempSync(join(tmpdir(), 'mitmlab-pki-'))

/** Everything that must survive a reload, as comparable plain data. */
function snapshot(pki: LabPki): Record<string, unknown> {
  return Object.fromEntries(
    ROLES.map((role) => {
      const cert = pki[role]
      return [role, { der: cert.der.toString('hex'), key: cert.key.privateKeyPem, subject: cert.subject, notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString(), serial: cert.serialNumber, isCa: cert.isCa }]
    }),
  )
}

describe('the persisted lab PKI', () => {
  // One PKI for the file: five RSA-2048 keys cost ~0.5 s.
  const dataDir = freshDataDir()
  const first = loadOrCreateLabPki(dataDir)

  it('creates the PKI on first use and reloads it identically', () => {
    expect(first.dir).toBe(join(dataDir, 'pki'))
    expect(snapshot(loadOrCreateLabPki(dataDir))).toEqual(snapshot(first))
  })

  it('leaves no staging directory behind', () => {
    expect(readdirSync(dataDir)).toEqual(['pki'])
  })

  it('re-issues only the genuine leaf when it is about to expire', () => {
    const nearExpiry = new Date(first.genuineLeaf.notAfter.getTime() - 24 * 3_600_000)
    const renewed = loadOrCreateLabPki(dataDir, nearExpiry)
    expect(renewed.genuineLeaf.serialNumber).not.toBe(first.genuineLeaf.serialNumber)
    expect(renewed.genuineLeaf.notAfter.getTime()).toBeGreaterThan(nearExpiry.getTime())
    expect(renewed.trustedRoot.der).toEqual(first.trustedRoot.der)
    expect(renewed.interceptionCa.der).toEqual(first.interceptionCa.der)
    expect(loadOrCreateLabPki(dataDir).genuineLeaf.der).toEqual(renewed.genuineLeaf.der)
  })

  it('removes staging directories abandoned by killed creators, and leaves a fresh one alone', () => {
    const dir = freshDataDir()
    const abandoned = join(dir, `pki.tmp-99999-${Date.now() - 3_600_000}`)
    const inProgress = join(dir, `pki.tmp-99998-${Date.now()}`)
    for (const staging of [abandoned, inProgress]) {
      mkdirSync(staging)
      writeFileSync(join(staging, 'trustedRoot.key.pem'), 'a key nobody will use')
    }
    loadOrCreateLabPki(dir)
    expect(readdirSync(dir).sort()).toEqual(['pki', inProgress.slice(dir.length + 1)])
  })

  it('fails CA_STORE_CORRUPT naming the manifest when it is not JSON', () => {
    const dir = freshDataDir()
    loadOrCreateLabPkiCopy(dir)
    const manifest = join(dir, 'pki', 'manifest.json')
    writeFileSync(manifest, '{"version": 1, "certificates": ')
    expect(() => loadOrCreateLabPki(dir)).toThrow(expect.objectContaining({ code: 'CA_STORE_CORRUPT', message: expect.stringContaining(manifest) }))
  })

  it('fails CA_STORE_CORRUPT naming the manifest when it has the wrong shape', () => {
    const dir = freshDataDir()
    loadOrCreateLabPkiCopy(dir)
    const manifest = join(dir, 'pki', 'manifest.json')
    writeFileSync(manifest, JSON.stringify({ version: 2, certificates: {} }))
    expect(() => loadOrCreateLabPki(dir)).toThrow(expect.objectContaining({ code: 'CA_STORE_CORRUPT', message: expect.stringContaining(manifest) }))
  })

  it('fails CA_STORE_CORRUPT naming the directory when a role is missing from the manifest', () => {
    const dir = freshDataDir()
    loadOrCreateLabPkiCopy(dir)
    const manifest = join(dir, 'pki', 'manifest.json')
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { certificates: Record<string, unknown> }
    delete parsed.certificates['interceptionCa']
    writeFileSync(manifest, JSON.stringify(parsed))
    expect(() => loadOrCreateLabPki(dir)).toThrow(
      expect.objectContaining({ code: 'CA_STORE_CORRUPT', message: expect.stringMatching(/pki has no interceptionCa/) }),
    )
  })

  it('fails CA_STORE_CORRUPT naming the file when a private key file is damaged', () => {
    const dir = freshDataDir()
    loadOrCreateLabPkiCopy(dir)
    const damaged = join(dir, 'pki', 'trustedRoot.key.pem')
    writeFileSync(damaged, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')
    expect(() => loadOrCreateLabPki(dir)).toThrow(expect.objectContaining({ code: 'CA_STORE_CORRUPT', message: expect.stringContaining(damaged) }))
  })

  it('fails CA_STORE_CORRUPT naming the file when a certificate or key file is missing', () => {
    const dir = freshDataDir()
    loadOrCreateLabPkiCopy(dir)
    const missing = join(dir, 'pki', 'interceptionCa.key.pem')
    rmSync(missing)
    expect(() => loadOrCreateLabPki(dir)).toThrow(expect.objectContaining({ code: 'CA_STORE_CORRUPT', message: expect.stringContaining(`${missing} cannot be read (ENOENT)`) }))
  })

  it('fails CA_STORE_CORRUPT naming the file when a certificate file holds no certificate', () => {
    const dir = freshDataDir()
    loadOrCreateLabPkiCopy(dir)
    const damaged = join(dir, 'pki', 'trustedRoot.cert.pem')
    writeFileSync(damaged, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')
    expect(() => loadOrCreateLabPki(dir)).toThrow(expect.objectContaining({ code: 'CA_STORE_CORRUPT', message: expect.stringContaining(damaged) }))
  })

  it('fails CA_STORE_CORRUPT naming both files when a key is not the key of its certificate', () => {
    const dir = freshDataDir()
    loadOrCreateLabPkiCopy(dir)
    const key = join(dir, 'pki', 'interceptionCa.key.pem')
    cpSync(join(dir, 'pki', 'attackerCa.key.pem'), key)
    expect(() => loadOrCreateLabPki(dir)).toThrow(
      expect.objectContaining({ code: 'CA_STORE_CORRUPT', message: expect.stringContaining(`${key} is not the key of ${join(dir, 'pki', 'interceptionCa.cert.pem')}`) }),
    )
  })

  it('fails CA_STORE_CORRUPT instead of recreating over a PKI directory whose manifest is gone', () => {
    const dir = freshDataDir()
    loadOrCreateLabPkiCopy(dir)
    rmSync(join(dir, 'pki', 'manifest.json'))
    expect(() => loadOrCreateLabPki(dir)).toThrow(
      expect.objectContaining({ code: 'CA_STORE_CORRUPT', message: expect.stringContaining(join(dir, 'pki', 'manifest.json')) }),
    )
  })

  /** A copy of the file's PKI in another data dir, without paying for new keys. */
  function loadOrCreateLabPkiCopy(dir: string): void {
    cpSync(join(dataDir, 'pki'), join(dir, 'pki'), { recursive: true })
  }
})
