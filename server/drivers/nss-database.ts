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

/** A database made for one run: its `sql:` spec, and the roots NSS would not take (only with skipRefusedRoots). */
export interface NssDatabase {
  spec: string
  refusedRoots: string[]
}

/**
 * A new empty-password NSS database in `directory` (created if missing)
 * trusting exactly the roots of `caFile` for TLS servers. Chromium reads it as
 * ~/.pki/nssdb, Firefox as its profile directory (cert9.db, key4.db,
 * pkcs11.txt), tstclnt through `-d sql:<directory>`.
 *
 * skipRefusedRoots: a root certutil cannot import (SEC_ERROR_ADDING_CERT, e.g.
 * an ML-DSA root for NSS 3.87, which has no ML-DSA) is left out and named in
 * refusedRoots instead of failing the run: a client on that NSS cannot trust
 * it, which is what its result then shows.
 */
export async function createNssDatabase(
  directory: string,
  caFile: string,
  options: { skipRefusedRoots?: boolean } = {},
): Promise<NssDatabase> {
  const spec = `sql:${directory}`
  mkdirSync(directory, { recursive: true })
  await certutil(['-d', spec, '-N', '--empty-password'])
  const roots =
    readFileSync(caFile, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  const refusedRoots: string[] = []
  for (const [index, pem] of roots.entries()) {
    const file = join(directory, `root-${index}.pem`)
    writeFileSync(file, `${pem}\n`)
    try {
      await certutil(['-d', spec, '-A', '-t', 'C,,', '-n', `lab-root-${index}`, '-i', file])
    } catch (error) {
      if (options.skipRefusedRoots !== true || !/SEC_ERROR_ADDING_CERT/.test((error as Error).message)) throw error
      const reason = /failed: ([\s\S]*)$/.exec((error as Error).message)?.[1] ?? (error as Error).message
      refusedRoots.push(`root ${index + 1} of ${roots.length} (${lastLines(reason, 1)})`)
    } finally {
      rmSync(file, { force: true })
    }
  }
  return { spec, refusedRoots }
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
