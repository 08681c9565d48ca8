import { existsSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { FileScenario } from '../scenario-file/compile-scenario.js'
import { loadScenarioFile } from '../scenario-file/load-scenario-file.js'
import { projectPath } from '../../server/util/project-paths.js'

/** The catalog's families, in the order a run plays them: one folder of scenario files each. */
export const CATALOG_FAMILIES = ['chain', 'names', 'crypto', 'strategies', 'controls'] as const
export type CatalogFamily = (typeof CATALOG_FAMILIES)[number]

/** The shipped catalog, or a folder of the same shape (one sub-folder per family) named by MITMLAB_CATALOG_DIR. */
const CATALOG_DIR = process.env['MITMLAB_CATALOG_DIR'] ?? projectPath('scenarios', 'catalog')
const SCENARIO_FILE = /\.(ya?ml|json)$/i

export type CatalogScenario = FileScenario & { family: string }

export interface LoadedCatalog {
  scenarios: CatalogScenario[]
  /** One line per problem, naming the file and the field: a malformed file is left out, the others still load. */
  problems: string[]
}

/**
 * Loads every scenario file of the catalog: data, so a trainer adds a
 * scenario by dropping a YAML file in a family folder. Files load one by one
 * and loading never throws; a bad file is reported in `problems` and left
 * out, never taking the others down. `list` and `run` refuse to go on while
 * there is any problem (requireSoundCatalog in scenarios/index.ts).
 */
export function loadCatalog(dir: string = CATALOG_DIR, families: readonly string[] = CATALOG_FAMILIES): LoadedCatalog {
  const scenarios: CatalogScenario[] = []
  const problems: string[] = []
  const seen = new Map<string, string>()
  for (const family of families) {
    if (!existsSync(join(dir, family))) {
      problems.push(`${join(dir, family)}: the catalog's ${family} folder is missing`)
      continue
    }
    for (const file of catalogFiles(dir, [family])) {
      const loaded = loadScenarioFile(file)
      if (!loaded.ok) {
        problems.push(...loaded.problems)
        continue
      }
      const duplicate = loaded.scenarios.find((s) => seen.has(s.id))
      if (duplicate !== undefined) {
        problems.push(`${loaded.file}: id: "${duplicate.id}" is already defined by ${seen.get(duplicate.id) ?? 'another file'}`)
        continue
      }
      for (const scenario of loaded.scenarios) seen.set(scenario.id, loaded.file)
      scenarios.push(...loaded.scenarios.map((s) => ({ ...s, family })))
    }
  }
  return { scenarios, problems }
}

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

const catalog = loadCatalog()

/** The certificate-parameter catalog (issue 5), compiled from the scenario files. */
export const catalogScenarios: readonly CatalogScenario[] = catalog.scenarios
export const catalogProblems: readonly string[] = catalog.problems

export function catalogFamily(family: CatalogFamily): CatalogScenario[] {
  return catalogScenarios.filter((scenario) => scenario.family === family)
}
