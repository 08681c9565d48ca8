import { rmSync, statSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { CaError } from '../server/errors.js'

/** Renewing takes one RSA-2048 key and a few small files: a lock this old belongs to a dead process. */
const STALE_AFTER_MS = 30_000
const WAIT_AT_MOST_MS = 15_000
const POLL_MS = 25

/**
 * Runs `change` holding `<dir>/change.lock` (created O_EXCL), so two processes
 * changing the PKI at once (every docker-compose service starts on the same
 * volume) cannot mix one's key with the other's certificate. A waiting process
 * runs `change` after the holder is done, and should re-read first.
 */
export function withPkiLock<T>(dir: string, change: () => T): T {
  const lock = join(dir, 'change.lock')
  const deadline = Date.now() + WAIT_AT_MOST_MS
  while (!tryLock(lock, dir)) {
    if (isStale(lock)) rmSync(lock, { force: true })
    else if (Date.now() > deadline) {
      throw new CaError('CA_STORE_CORRUPT', `${lock} has been held for over ${WAIT_AT_MOST_MS / 1000} s; delete it if no mitmlab process is running`)
    } else sleepSync(POLL_MS)
  }
  try {
    return change()
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (typeof code !== 'string' || !code.startsWith('E')) throw cause
    throw new CaError(code === 'ENOSPC' ? 'DATA_DIR_FULL' : 'DATA_DIR_NOT_WRITABLE', `Cannot update the lab PKI in ${dir}: ${(cause as Error).message}`, { cause })
  } finally {
    rmSync(lock, { force: true })
  }
}

function tryLock(lock: string, dir: string): boolean {
  try {
    writeFileSync(lock, `${process.pid}@${hostname()}\n`, { flag: 'wx', mode: 0o600 })
    return true
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    throw new CaError(code === 'ENOSPC' ? 'DATA_DIR_FULL' : 'DATA_DIR_NOT_WRITABLE', `Cannot update the lab PKI in ${dir}: ${(cause as Error).message}`, { cause })
  }
}

function isStale(lock: string): boolean {
  try {
    return Date.now() - statSync(lock).mtimeMs > STALE_AFTER_MS
  } catch {
    return false // gone already: the next try takes it
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}
