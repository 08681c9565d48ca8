import { resolve } from 'node:path'

/**
 * Where the lab keeps its PKI (private keys, 0600), SQLite store and logs.
 * Precedence: --data-dir, then MITMLAB_DATA_DIR, then ./data (git-ignored).
 */
export function resolveDataDir(flag?: string): string {
  return resolve(flag ?? process.env['MITMLAB_DATA_DIR'] ?? 'data')
}

export function storeFile(dataDir: string): string {
  return resolve(dataDir, 'mitmlab.sqlite')
}

/** Servers listen on loopback unless told otherwise: a lab proxy is not a public service. */
export const DEFAULT_BIND_HOST = '127.0.0.1'
