import { chmodSync, cpSync, existsSync, mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { issueCertificate, loadOrCreateLabPki, type LabPkiRole, type SubtreeSpec } from '../../ca/index.js'
import { assertLabNameConstraints, INSTALLABLE_ROLES } from '../../ca/installable-roots.js'
import { LAB_PERMITTED_SUBTREES } from '../../ca/lab-pki.js'
import { startCli } from '../support/cli-process.js'

const ROLES: LabPkiRole[] = [
  'trustedRoot',
  'trustedIntermediate',
  'genuineLeaf',
  'attackerCa',
  'interceptionCa',
]
const modeOf = (path: string): number => statSync(path).mode & 0o777

/** One persisted PKI for the file (five RSA keys), copied into a fresh data dir per test. */
const template = mkdtempSync(join(tmpdir(), 'mitmlab-hygiene-template-'))
loadOrCreateLabPki(template)

function freshCopy(): { dataDir: string; dir: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-hygiene-'))
  const dir = join(dataDir, 'pki')
  cpSync(join(template, 'pki'), dir, { recursive: true })
  chmodSync(dir, 0o700)
  return { dataDir, dir }
}

/** Puts the attacker's unconstrained root (and its key) where `role` should be: the swap issue 17 describes. */
function swapInUnconstrainedCa(dir: string, role: LabPkiRole): void {
  cpSync(join(dir, 'attackerCa.cert.pem'), join(dir, `${role}.cert.pem`))
  cpSync(join(dir, 'attackerCa.key.pem'), join(dir, `${role}.key.pem`))
}

// Issue 17 item 13: keys at 0644 in a 0755 directory loaded without a word.
describe('private keys other users can read', () => {
  it('are made private again (0600 in 0700) with a warning naming each file', () => {
    const { dataDir, dir } = freshCopy()
    chmodSync(dir, 0o755)
    for (const role of ROLES) chmodSync(join(dir, `${role}.key.pem`), 0o644)
    const warnings: string[] = []
    loadOrCreateLabPki(dataDir, new Date(), { onWarning: (message) => warnings.push(message) })
    expect(modeOf(dir)).toBe(0o700)
    expect(ROLES.map((role) => modeOf(join(dir, `${role}.key.pem`)))).toEqual(ROLES.map(() => 0o600))
    expect(warnings).toHaveLength(1)
    for (const role of ROLES) expect(warnings[0]).toContain(`${join(dir, `${role}.key.pem`)} (was 0644)`)
    expect(warnings[0]).toContain(`delete ${dir}`)
  })

  it('are left alone, without a word, when they are private already', () => {
    const { dataDir, dir } = freshCopy()
    const warnings: string[] = []
    loadOrCreateLabPki(dataDir, new Date(), { onWarning: (message) => warnings.push(message) })
    expect(warnings).toEqual([])
    expect(modeOf(join(dir, 'interceptionCa.key.pem'))).toBe(0o600)
  })
})

// Issue 17 item 13: an unconstrained CA swapped in was written out by --ca-cert-out.
describe('the roots a person may install', () => {
  it('are the two roots and the intermediate under the trusted root', () => {
    expect([...INSTALLABLE_ROLES]).toEqual(['trustedRoot', 'trustedIntermediate', 'interceptionCa'])
  })

  it.each(INSTALLABLE_ROLES)('refuse to load when %s has been swapped for an unconstrained CA', (role) => {
    const { dataDir, dir } = freshCopy()
    swapInUnconstrainedCa(dir, role)
    expect(() => loadOrCreateLabPki(dataDir)).toThrow(
      expect.objectContaining({
        name: 'CaError',
        code: 'CA_STORE_CORRUPT',
        message: expect.stringContaining(
          `${join(dir, `${role}.cert.pem`)} (${role}) carries no name constraints`,
        ),
      }),
    )
  })

  it('so `mitmlab proxy --ca-cert-out` exits 2 and writes no file', async () => {
    const { dataDir, dir } = freshCopy()
    swapInUnconstrainedCa(dir, 'interceptionCa')
    const out = join(dataDir, 'ca.pem')
    const proxy = startCli([
      'proxy',
      '--mode',
      'connect',
      '--listen',
      '0',
      '--ca-cert-out',
      out,
      '--data-dir',
      dataDir,
    ])
    // Today's main writes the file and keeps proxying: stop it once the file is there, so the test ends either way.
    const watch = setInterval(() => existsSync(out) && proxy.child.kill('SIGTERM'), 50)
    const exit = await proxy.exited
    clearInterval(watch)
    expect(existsSync(out)).toBe(false)
    expect(proxy.output().stderr).toContain('carries no name constraints')
    expect(proxy.output().stderr).not.toMatch(/^\s+at /m)
    expect(exit.code).toBe(2)
  }, 60_000)
})

function caWith(
  nameConstraints: { permitted?: SubtreeSpec[]; excluded?: SubtreeSpec[]; critical?: boolean } | undefined,
): Uint8Array {
  const now = Date.now()
  return issueCertificate({
    subject: { CN: 'constraint test CA' },
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 3_600_000),
    basicConstraints: { ca: true },
    keyUsage: ['keyCertSign'],
    keySpec: { type: 'ec', curve: 'P-256' },
    ...(nameConstraints === undefined ? {} : { nameConstraints }),
  }).der
}

describe('assertLabNameConstraints', () => {
  it.each<[string, Parameters<typeof caWith>[0]]>([
    ["the lab's own subtrees", { permitted: LAB_PERMITTED_SUBTREES }],
    [
      'a narrower set that still constrains DNS and IP',
      { permitted: [{ dns: 'lab' }, { ip: '127.0.0.0/8' }] },
    ],
  ])('accepts %s', (_what, constraints) => {
    expect(() =>
      assertLabNameConstraints(caWith(constraints), LAB_PERMITTED_SUBTREES, 'test CA'),
    ).not.toThrow()
  })

  it.each<[string, Parameters<typeof caWith>[0], string]>([
    ['no name constraints', undefined, 'carries no name constraints'],
    [
      'non-critical constraints',
      { permitted: LAB_PERMITTED_SUBTREES, critical: false },
      'carries name constraints that are not critical',
    ],
    [
      'a real domain among the subtrees',
      { permitted: [...LAB_PERMITTED_SUBTREES, { dns: 'com' }] },
      "permits names beyond the lab's (dns:com)",
    ],
    [
      'IP subtrees only (any DNS name passes)',
      { permitted: [{ ip: '127.0.0.0/8' }] },
      'leaves DNS names unconstrained',
    ],
    [
      'DNS subtrees only (any IP passes)',
      { permitted: [{ dns: 'lab' }] },
      'leaves IP addresses unconstrained',
    ],
    ['exclusions only', { excluded: [{ dns: 'example.com' }] }, 'leaves DNS names unconstrained'],
  ])('refuses %s', (_what, constraints, reason) => {
    expect(() => assertLabNameConstraints(caWith(constraints), LAB_PERMITTED_SUBTREES, 'test CA')).toThrow(
      expect.objectContaining({
        code: 'CA_STORE_CORRUPT',
        message: expect.stringContaining(`test CA ${reason}`),
      }),
    )
  })
})
