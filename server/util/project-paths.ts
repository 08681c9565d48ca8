import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The checkout's root, found by walking up from this module to mitmlab's own package.json.
 *
 * Why not `import.meta.url`-relative paths: the same module runs from `server/…` (vitest, tsx)
 * and compiled from `dist/server/…` (the `mitmlab` command after `npm install`), while the data
 * files it reads — SQL migrations, the YAML catalog, the built dashboard — exist once, in the
 * source tree. Resolving them from the root keeps one copy and works from both places.
 */
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'mitmlab') return dir
      } catch {
        // A package.json that is not JSON is not ours: keep walking up.
      }
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`mitmlab: no mitmlab package.json above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}

let root: string | undefined

/** An absolute path inside the checkout, e.g. `projectPath('server', 'store', 'migrations')`. */
export function projectPath(...segments: string[]): string {
  root ??= findProjectRoot()
  return join(root, ...segments)
}

/**
 * True when this code runs from the build in dist/ (scripts/build.mjs), which bin/mitmlab.mjs runs only
 * while no source is newer: the build's caches (scenario files, the scenario index) are then current.
 */
export const RUNS_FROM_BUILD = /\/dist\//.test(fileURLToPath(import.meta.url).replaceAll('\\', '/'))
