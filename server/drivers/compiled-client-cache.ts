import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'

/**
 * Where the lab keeps the clients it compiles (the Go and Java drivers' small
 * programs): one directory per source hash under the OS temp dir, per user, so
 * a changed source is rebuilt and an unchanged one is compiled once for every
 * run, test file and process that needs it.
 */
export function compiledClientRoot(): string {
  return join(tmpdir(), `mitmlab-clients-${userInfo().uid}`)
}

export interface CompiledClient {
  /** The directory holding the built program (the final path, complete). */
  dir: string
  /** Whether this call built it (false: reused from an earlier build). */
  built: boolean
}

/** Builds into a scratch directory beside the final one; a rejection is the compiler's words. */
export type BuildInto = (scratchDir: string) => Promise<void>

const builds = new Map<string, Promise<CompiledClient>>()

/**
 * The compiled client for `source` (kind names the language), built by
 * `build` on first use. A build runs in a fresh scratch directory that is
 * renamed into place only when complete, so a concurrent process never sees
 * half a program; within this process one build is shared by every caller.
 */
export function compiledClient(kind: string, source: string, build: BuildInto): Promise<CompiledClient> {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16)
  const key = `${kind}-${hash}`
  const pending = builds.get(key)
  if (pending !== undefined) return pending
  const promise = buildOnce(key, build)
  builds.set(key, promise)
  // A failed build is retried by the next caller (the compiler may have been installed meanwhile).
  promise.catch(() => builds.delete(key))
  return promise
}

async function buildOnce(key: string, build: BuildInto): Promise<CompiledClient> {
  const root = compiledClientRoot()
  const dir = join(root, key)
  if (existsSync(join(dir, '.complete'))) return { dir, built: false }
  mkdirSync(root, { recursive: true, mode: 0o700 })
  const scratch = mkdtempSync(join(root, `${key}.building-`))
  try {
    await build(scratch)
    writeFileSync(join(scratch, '.complete'), '')
    try {
      renameSync(scratch, dir)
    } catch (cause) {
      // Another process finished the same build first: its copy is as good as ours.
      if (!existsSync(join(dir, '.complete'))) throw cause
    }
    return { dir, built: true }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}
