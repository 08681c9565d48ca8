import { X509Certificate } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { CaError } from '../server/errors.js'
import type { SubtreeSpec } from './general-names.js'
import { assertLabNameConstraints, INSTALLABLE_ROLES } from './installable-roots.js'
import { issueCertificate, type IssuedCertificate } from './issue-certificate.js'
import { keyPairFromPem, type KeyPair } from './key-pair.js'
import { withPkiLock } from './pki-lock.js'

/** The lab's host names: the site worth stealing from, and loopback. */
export const LAB_HOSTS = ['bank.lab', 'www.bank.lab', 'localhost'] as const
export const LAB_IPS = ['127.0.0.1', '::1'] as const

/**
 * What the lab's installable roots may ever vouch for (RFC 5280 §4.2.1.10,
 * critical). mockttp's pattern: a leaked or installed lab root cannot be used
 * to intercept a real site, because a leaf for `bank.example.com` under it
 * fails name constraints in every client that enforces them.
 */
export const LAB_PERMITTED_SUBTREES: SubtreeSpec[] = [
  { dns: 'lab' },
  { dns: 'test' },
  { dns: 'localhost' },
  { ip: '127.0.0.0/8' },
  { ip: '::1/128' },
]

/** The certificates that stand for the world's PKI inside the lab. */
export interface LabPki {
  dir: string
  /** What a public root is to the client: trusted. */
  trustedRoot: IssuedCertificate
  /** Issues the genuine server's certificate. */
  trustedIntermediate: IssuedCertificate
  /** The genuine server's leaf for LAB_HOSTS and LAB_IPS. */
  genuineLeaf: IssuedCertificate
  /** The attacker's own root: the client does not trust it. Never installed anywhere. */
  attackerCa: IssuedCertificate
  /** The corporate / antivirus / mitmproxy CA the victim installed: the client trusts it. */
  interceptionCa: IssuedCertificate
}

export type LabPkiRole = Exclude<keyof LabPki, 'dir'>
const ROLES: readonly LabPkiRole[] = ['trustedRoot', 'trustedIntermediate', 'genuineLeaf', 'attackerCa', 'interceptionCa']

const YEAR_MS = 365 * 24 * 3_600_000
/** Re-issue the genuine leaf when it has less than this left, so a lab left alone keeps working. */
const LEAF_RENEW_MARGIN_MS = 7 * 24 * 3_600_000

const manifestSchema = z.object({
  version: z.literal(1),
  certificates: z.record(
    z.string(),
    z.object({
      subject: z.record(z.string(), z.string()),
      notBefore: z.string(),
      notAfter: z.string(),
      serialNumber: z.string(),
      isCa: z.boolean(),
    }),
  ),
})

/**
 * Loads the lab PKI from `<dataDir>/pki`, creating it on first use. Private
 * keys are written 0600 in a 0700 directory. Creation is atomic (built in a
 * temporary directory, then renamed), so two processes starting together both
 * end up with the same PKI; renewing the genuine leaf happens under a lock file
 * for the same reason.
 *
 * @example
 * const pki = loadOrCreateLabPki('./data')
 * https.createServer({ key: pki.genuineLeaf.key.privateKeyPem, cert: chainPem(pki.genuineLeaf, pki.trustedIntermediate) })
 */
export function loadOrCreateLabPki(dataDir: string, now: Date = new Date(), options: LoadLabPkiOptions = {}): LabPki {
  const dir = join(dataDir, 'pki')
  const manifest = join(dir, 'manifest.json')
  if (!existsSync(manifest)) {
    // Creation renames a complete directory into place, so files without a manifest are damage, not a
    // race (the manifest is checked again after the listing, in case another process just renamed).
    if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(manifest)) {
      throw new CaError('CA_STORE_CORRUPT', `${manifest} is missing but ${dir} is not empty; delete ${dir} to recreate the lab PKI`)
    }
    createLabPkiAt(dataDir, dir, now)
  }
  const needsRenewal = (pki: LabPki): boolean => pki.genuineLeaf.notAfter.getTime() - now.getTime() < LEAF_RENEW_MARGIN_MS
  keepKeysPrivate(dir, options.onWarning ?? warnOnStderr)
  const pki = readLabPki(dir)
  if (!needsRenewal(pki)) return pki
  return withPkiLock(dir, () => {
    // Another process may have renewed while this one waited for the lock.
    const current = readLabPki(dir)
    if (!needsRenewal(current)) return current
    const genuineLeaf = issueGenuineLeaf(current.trustedIntermediate, now)
    writeCertificates(dir, { genuineLeaf })
    return { ...current, genuineLeaf }
  })
}

export interface LoadLabPkiOptions {
  /** Told when key files had to be made private again. Default: a line on stderr. */
  onWarning?: (message: string) => void
}

function warnOnStderr(message: string): void {
  process.stderr.write(`mitmlab: warning: ${message}\n`)
}

/**
 * Private keys that other users can read (a copy, an archive, a restore with
 * another umask: the lab itself writes 0600 in 0700) are made private again,
 * with a warning, rather than refused: the modes are the lab's own layout,
 * restoring them loses nothing, and refusing would stop every command for a
 * condition the lab can repair. The warning says the keys may already have
 * been read, and how to start over. A file this user cannot chmod (another
 * owner) is refused: then the key stays exposed and nothing here can fix it.
 */
function keepKeysPrivate(dir: string, onWarning: (message: string) => void): void {
  if (process.platform === 'win32') return // no POSIX modes: ACLs are the user's
  const fixed: string[] = []
  const tighten = (path: string, mode: number): void => {
    let current: number
    try {
      current = statSync(path).mode & 0o777
    } catch {
      return // missing: readLabPki names it
    }
    if ((current & 0o077) === 0) return
    try {
      chmodSync(path, mode)
    } catch (cause) {
      throw new CaError(
        'CA_STORE_CORRUPT',
        `${path} is readable by other users (mode 0${current.toString(8)}) and cannot be made private (${(cause as NodeJS.ErrnoException).code ?? 'error'}): chmod ${mode.toString(8)} it as its owner, or delete ${dir} to recreate the lab PKI`,
        { cause },
      )
    }
    fixed.push(`${path} (was 0${current.toString(8)})`)
  }
  tighten(dir, 0o700)
  for (const role of ROLES) tighten(join(dir, `${role}.key.pem`), 0o600)
  if (fixed.length > 0) {
    onWarning(
      `the lab PKI's private keys were readable by other users; made private again: ${fixed.join(', ')}. ` +
        `If others could log in to this machine, delete ${dir} to recreate the lab PKI with new keys`,
    )
  }
}

/** Creates a fresh PKI in memory only (tests, one-off runs). */
export function createLabPki(now: Date = new Date()): LabPki {
  const nameConstraints = { permitted: LAB_PERMITTED_SUBTREES }
  const caValidity = { notBefore: new Date(now.getTime() - 3_600_000), notAfter: new Date(now.getTime() + 10 * YEAR_MS) }
  const caProfile = { basicConstraints: { ca: true }, keyUsage: ['keyCertSign' as const, 'cRLSign' as const], ...caValidity }
  const trustedRoot = issueCertificate({
    subject: { C: 'ZZ', O: 'mitmlab Trust Services', CN: 'mitmlab Trusted Root CA' },
    ...caProfile,
    nameConstraints,
  })
  const trustedIntermediate = issueCertificate({
    subject: { C: 'ZZ', O: 'mitmlab Trust Services', CN: 'mitmlab Issuing CA 1' },
    issuer: trustedRoot,
    ...caProfile,
    basicConstraints: { ca: true, pathLen: 0 },
    extendedKeyUsage: ['serverAuth', 'clientAuth'],
    nameConstraints,
  })
  const attackerCa = issueCertificate({ subject: { O: 'Evil Attacker Ltd', CN: 'Evil Attacker Root CA' }, ...caProfile })
  const interceptionCa = issueCertificate({
    subject: { O: 'Corporate IT Security', CN: 'Corporate TLS Inspection CA (installed)' },
    ...caProfile,
    nameConstraints,
  })
  const genuineLeaf = issueGenuineLeaf(trustedIntermediate, now)
  return { dir: '', trustedRoot, trustedIntermediate, genuineLeaf, attackerCa, interceptionCa }
}

function issueGenuineLeaf(issuer: IssuedCertificate, now: Date): IssuedCertificate {
  return issueCertificate({
    subject: { CN: 'bank.lab' },
    issuer,
    notBefore: new Date(now.getTime() - 3_600_000),
    notAfter: new Date(now.getTime() + 90 * 24 * 3_600_000),
    sans: [...LAB_HOSTS.map((dns) => ({ dns })), ...LAB_IPS.map((ip) => ({ ip }))],
    basicConstraints: { ca: false },
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['serverAuth'],
  })
}

/** A staging directory this old was left by a process killed while creating the PKI (creation takes a second). */
const STAGING_ABANDONED_AFTER_MS = 10 * 60_000

function createLabPkiAt(dataDir: string, dir: string, now: Date): void {
  const staging = join(dataDir, `pki.tmp-${process.pid}-${Date.now()}`)
  try {
    mkdirSync(staging, { recursive: true, mode: 0o700 })
    removeAbandonedStaging(dataDir)
    const pki = createLabPki(now)
    writeCertificates(staging, Object.fromEntries(ROLES.map((role) => [role, pki[role]])))
    renameSync(staging, dir)
  } catch (cause) {
    removeQuietly(staging)
    // Another process won the race: its PKI is as good as ours.
    if (existsSync(join(dir, 'manifest.json'))) return
    const code = (cause as NodeJS.ErrnoException).code
    // Only file-system failures are about the data directory; anything else is a bug and keeps its own stack.
    if (typeof code !== 'string' || !code.startsWith('E')) throw cause
    throw new CaError(
      code === 'ENOSPC' ? 'DATA_DIR_FULL' : 'DATA_DIR_NOT_WRITABLE',
      `Cannot create the lab PKI in ${dir}: ${(cause as Error).message}`,
      { cause },
    )
  }
}

/** Staging directories of killed creators hold private keys nobody will use: remove them. */
function removeAbandonedStaging(dataDir: string): void {
  for (const name of readdirSync(dataDir)) {
    const startedAt = /^pki\.tmp-\d+-(\d+)$/.exec(name)?.[1]
    if (startedAt !== undefined && Date.now() - Number(startedAt) > STAGING_ABANDONED_AFTER_MS) removeQuietly(join(dataDir, name))
  }
}

/** Best-effort cleanup: its own failure (ENOTDIR when the data dir lies beneath a file) must not hide the cause. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true })
  } catch {
    // Nothing was created there, or nothing can be removed: either way the original error is what matters.
  }
}

function writeCertificates(dir: string, certificates: Partial<Record<LabPkiRole, IssuedCertificate>>): void {
  const manifestPath = join(dir, 'manifest.json')
  const manifest = existsSync(manifestPath)
    ? manifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')))
    : { version: 1 as const, certificates: {} }
  for (const [role, cert] of Object.entries(certificates) as [LabPkiRole, IssuedCertificate][]) {
    writeFileAtomically(join(dir, `${role}.key.pem`), cert.key.privateKeyPem, 0o600)
    writeFileAtomically(join(dir, `${role}.cert.pem`), cert.pem, 0o644)
    manifest.certificates[role] = {
      subject: { ...cert.subject },
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      serialNumber: cert.serialNumber,
      isCa: cert.isCa,
    }
  }
  writeFileAtomically(manifestPath, JSON.stringify(manifest, null, 2), 0o644)
}

/** Written beside, then renamed: a failed write (full disk, read-only directory) leaves the old file whole. */
function writeFileAtomically(path: string, contents: string, mode: number): void {
  const temporary = `${path}.tmp-${process.pid}`
  try {
    writeFileSync(temporary, contents, { mode })
    chmodSync(temporary, mode)
    renameSync(temporary, path)
  } catch (cause) {
    rmSync(temporary, { force: true })
    throw cause
  }
}

function readLabPki(dir: string): LabPki {
  let manifest: z.infer<typeof manifestSchema>
  try {
    manifest = manifestSchema.parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')))
  } catch (cause) {
    throw new CaError('CA_STORE_CORRUPT', `${join(dir, 'manifest.json')} is not a lab PKI manifest; delete ${dir} to recreate it`, { cause })
  }
  const read = (role: LabPkiRole): IssuedCertificate => {
    const entry = manifest.certificates[role]
    if (entry === undefined) throw new CaError('CA_STORE_CORRUPT', `${dir} has no ${role}; delete ${dir} to recreate it`)
    const certPath = join(dir, `${role}.cert.pem`)
    const pem = readPkiFile(dir, certPath)
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64')
    let x509: X509Certificate
    try {
      x509 = new X509Certificate(der)
    } catch (cause) {
      throw new CaError('CA_STORE_CORRUPT', `${certPath} is not a certificate; delete ${dir} to recreate the lab PKI`, { cause })
    }
    const keyPath = join(dir, `${role}.key.pem`)
    let key: KeyPair
    try {
      key = keyPairFromPem(readPkiFile(dir, keyPath))
    } catch (cause) {
      if (cause instanceof CaError && cause.message.includes(keyPath)) throw cause
      throw new CaError('CA_STORE_CORRUPT', `${keyPath} is not a private key; delete ${dir} to recreate the lab PKI`, { cause })
    }
    if (!x509.publicKey.export({ type: 'spki', format: 'der' }).equals(key.spkiDer)) {
      throw new CaError('CA_STORE_CORRUPT', `${keyPath} is not the key of ${certPath}; delete ${dir} to recreate the lab PKI`)
    }
    return {
      der,
      pem,
      key,
      subject: entry.subject,
      notBefore: new Date(entry.notBefore),
      notAfter: new Date(entry.notAfter),
      serialNumber: entry.serialNumber,
      isCa: entry.isCa,
    }
  }
  const certificates = Object.fromEntries(ROLES.map((role) => [role, read(role)])) as Record<LabPkiRole, IssuedCertificate>
  // A root a person installs must still be confined to lab names: swapped for an unconstrained CA, `proxy
  // --ca-cert-out` would hand out a root that lets its key holder intercept any site (issue 17 item 13).
  for (const role of INSTALLABLE_ROLES) {
    assertLabNameConstraints(certificates[role].der, LAB_PERMITTED_SUBTREES, `${join(dir, `${role}.cert.pem`)} (${role})`)
  }
  return { dir, ...certificates }
}

/** A file of the PKI directory; a missing or unreadable one means the store is damaged. */
function readPkiFile(dir: string, path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (cause) {
    throw new CaError('CA_STORE_CORRUPT', `${path} cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'}); delete ${dir} to recreate the lab PKI`, { cause })
  }
}

/** PEM of a chain as a TLS server sends it: leaf first. */
export function chainPem(...certificates: IssuedCertificate[]): string {
  return certificates.map((certificate) => certificate.pem).join('')
}
