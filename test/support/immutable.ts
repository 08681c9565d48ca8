import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Tests run as root, and root ignores permission bits: `chmod 500` makes
 * nothing read-only for it. The ext4 immutable attribute does (EPERM even for
 * root), given CAP_LINUX_IMMUTABLE. This probes whether it really works here.
 */
export function canMakeImmutable(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'mitmlab-immutable-'))
  try {
    if (!setImmutable(probe, true)) return false
    return spawnSync('touch', [join(probe, 'x')]).status !== 0
  } finally {
    setImmutable(probe, false)
    rmSync(probe, { recursive: true, force: true })
  }
}

export function setImmutable(path: string, immutable: boolean): boolean {
  return spawnSync('chattr', [immutable ? '+i' : '-i', path]).status === 0
}
