import { existsSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { projectPath } from '../../server/util/project-paths.js'

/**
 * Where the catalog's files are, without loading any of them: kept apart from the loader so that
 * a cheap question (which files, in which order) does not pull in YAML, zod and the CA.
 */

/** The catalog's families, in the order a run plays them: one folder of scenario files each. */
export const CATALOG_FAMILIES = ['chain', 'names', 'crypto', 'strategies', 'controls'] as const
export type CatalogFamily = (typeof CATALOG_FAMILIES)[number]

/** The shipped catalog, or a folder of the same shape (one sub-folder per family) named by MITMLAB_CATALOG_DIR. */
export const CATALOG_DIR = process.env['MITMLAB_CATALOG_DIR'] ?? projectPath('scenarios', 'catalog')
const SCENARIO_FILE = /\.(ya?ml|json)$/i

/** The scenario files of the given families, sorted, as paths relative to the working directory when inside it. */
export function catalogFiles(dir: string = CATALOG_DIR, families: readonly string[] = CATALOG_FAMILIES): string[] {
  return families.flatMap((family) =>
    (existsSync(join(dir, family)) ? readdirSync(join(dir, family)) : [])
      .filter((name) => SCENARIO_FILE.test(name))
      .sort()
      .map((name) => {
        const file = join(dir, family, name)
        const shown = relative(process.cwd(), file)
        return shown.startsWith('..') ? file : shown
      }),
  )
}
