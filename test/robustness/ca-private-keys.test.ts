import { spawn } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadOrCreateLabPki } from '../../ca/index.js'
import { canMakeImmutable, setImmutable } from '../support/immutable.js'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const CREATE_PKI = join(REPO, 'test/support/create-pki-process.ts')
const PROCESSES = 2
// chattr +i stops root too (chmod does not); those tests skip where the attribute cannot be set.
const immutableWorks = canMakeImmutable()

interface Child {
  ready: Promise<void>
  result: Promise<{ root: string; interception: string; leaf: string }>
  go(): void
}

function startCreator(dataDir: string, now?: Date): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CREATE_PKI, dataDir, ...(now === undefined ? [] : [now.toISOString()])], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  let markReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    if (stdout.startsWith('ready\n')) markReady()
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const result = new Promise<{ root: string; interception: string; leaf: string }>((resolve, reject) =>
    child.once('exit', (code) => {
      const line = stdout.split('\n')[1] ?? ''
      if (code === 0 && line !== '') resolve(JSON.parse(line) as { root: string; interception: string; leaf: string })
      else reject(new Error(`create-pki-process exited ${code}: ${stderr}`))
    }),
  )
  return { ready, result, go: () => child.stdin.write('go\n') }
}

const modeOf = (path: string): number => statSync(path).mode & 0o777

describe('the lab PKI on disk', () => {
  // Shared by both tests (each works alone too): a PKI costs five RSA-2048 keys.
  const dataDir = mkdtempSync(join(tmpdir(), 'mitmlab-race-'))

  it(`ends with one PKI when ${PROCESSES} processes create it at the same moment, keys 0600 in a 0700 directory`, async () => {
    const children = Array.from({ length: PROCESSES }, () => startCreator(dataDir))
    await Promise.all(children.map((child) => child.ready))
    for (const child of children) child.go()
    const results = await Promise.all(children.map((child) => child.result))

    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1)
    expect(readdirSync(dataDir)).toEqual(['pki'])
    const pki = loadOrCreateLabPki(dataDir)
    expect(new X509Certificate(pki.trustedRoot.der).fingerprint256).toBe(results[0]?.root)

    const dir = join(dataDir, 'pki')
    expect(modeOf(dir)).toBe(0o700)
    const files = readdirSync(dir).sort()
    const keys = files.filter((file) => file.endsWith('.key.pem'))
    expect(keys).toEqual(['attackerCa.key.pem', 'genuineLeaf.key.pem', 'interceptionCa.key.pem', 'trustedIntermediate.key.pem', 'trustedRoot.key.pem'])
    for (const key of keys) expect({ key, mode: modeOf(join(dir, key)) }).toEqual({ key, mode: 0o600 })
    for (const cert of files.filter((file) => file.endsWith('.cert.pem'))) expect({ cert, mode: modeOf(join(dir, cert)) }).toEqual({ cert, mode: 0o644 })
  })

  it(`renews the genuine leaf once when ${PROCESSES} processes find it expiring at the same moment`, async () => {
    const before = loadOrCreateLabPki(dataDir)
    const nearExpiry = new Date(before.genuineLeaf.notAfter.getTime() - 3_600_000)
    const children = Array.from({ length: PROCESSES }, () => startCreator(dataDir, nearExpiry))
    await Promise.all(children.map((child) => child.ready))
    for (const child of children) child.go()
    const results = await Promise.all(children.map((child) => child.result))

    const leaves = new Set(results.map((r) => r.leaf))
    expect(leaves.size).toBe(1)
    expect(leaves.has(new X509Certificate(before.genuineLeaf.der).fingerprint256)).toBe(false)
    // Reloading checks that every key matches its certificate; no third renewal happens.
    const after = loadOrCreateLabPki(dataDir, nearExpiry)
    expect(new X509Certificate(after.genuineLeaf.der).fingerprint256).toBe(results[0]?.leaf)
    expect(readdirSync(join(dataDir, 'pki')).filter((file) => /\.lock$|\.tmp-/.test(file))).toEqual([])
  })

  it.skipIf(!immutableWorks)('fails DATA_DIR_NOT_WRITABLE naming the directory when a read-only PKI needs a new leaf, and changes no file', () => {
    const pki = loadOrCreateLabPki(dataDir)
    const dir = join(dataDir, 'pki')
    const before = Object.fromEntries(readdirSync(dir).map((file) => [file, readFileSync(join(dir, file), 'utf8')]))
    expect(setImmutable(dir, true)).toBe(true)
    try {
      expect(() => loadOrCreateLabPki(dataDir, new Date(pki.genuineLeaf.notAfter.getTime() - 3_600_000))).toThrow(
        expect.objectContaining({ code: 'DATA_DIR_NOT_WRITABLE', message: expect.stringContaining(dir) }),
      )
    } finally {
      setImmutable(dir, false)
    }
    expect(Object.fromEntries(readdirSync(dir).map((file) => [file, readFileSync(join(dir, file), 'utf8')]))).toEqual(before)
  })

  it('keeps the re-issued genuine leaf key 0600 when the leaf is renewed in place', () => {
    const pki = loadOrCreateLabPki(dataDir)
    const previousUmask = process.umask(0)
    try {
      loadOrCreateLabPki(dataDir, new Date(pki.genuineLeaf.notAfter.getTime() - 3_600_000))
    } finally {
      process.umask(previousUmask)
    }
    expect(modeOf(join(dataDir, 'pki', 'genuineLeaf.key.pem'))).toBe(0o600)
    expect(modeOf(join(dataDir, 'pki'))).toBe(0o700)
  })
})
