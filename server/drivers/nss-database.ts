import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LabError } from '../errors.js'
import { lastLines, runProcess } from './run-process.js'

/** A throwaway HOME whose NSS database (~/.pki/nssdb, where Chromium on Linux reads user roots) trusts exactly the given roots. */
export interface NssHome {
  home: string
  remove(): void
}

/**
 * certutil (Debian libnss3-tools): a new empty-password database, then each
 * root added as a trusted CA for TLS servers (`-t "C,,"`, certutil(1)). No
 * bypass: Chromium verifies against these like any installed root.
 */
export async function createNssHome(caFile: string): Promise<NssHome> {
  const home = mkdtempSync(join(tmpdir(), 'mitmlab-chromium-home-'))
  const remove = (): void => rmSync(home, { recursive: true, force: true })
  try {
    await createNssDatabase(join(home, '.pki', 'nssdb'), caFile)
    return { home, remove }
  } catch (error) {
    remove()
    throw error
  }
}

/**
 * A new empty-password NSS database in `directory` (created if missing)
 * trusting exactly the roots of `caFile` for TLS servers. Chromium reads it as
 * ~/.pki/nssdb, Firefox as its profile directory (cert9.db, key4.db,
 * pkcs11.txt), tstclnt through `-d sql:<directory>`. Returns the `sql:` spec.
 */
export async function createNssDatabase(directory: string, caFile: string): Promise<string> {
  const database = `sql:${directory}`
  mkdirSync(directory, { recursive: true })
  await certutil(['-d', database, '-N', '--empty-password'])
  const roots =
    readFileSync(caFile, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  for (const [index, pem] of roots.entries()) {
    const file = join(directory, `root-${index}.pem`)
    writeFileSync(file, `${pem}\n`)
    await certutil(['-d', database, '-A', '-t', 'C,,', '-n', `lab-root-${index}`, '-i', file])
    rmSync(file)
  }
  return database
}

async function certutil(args: string[]): Promise<void> {
  const result = await runProcess({ command: 'certutil', args, timeoutMs: 15_000 })
  if (result.exitCode !== 0) {
    throw new LabError(
      'CLIENT_FAILED',
      `certutil ${args.join(' ')} failed: ${result.spawnError ?? lastLines(result.stderr, 2)}`,
    )
  }
}
