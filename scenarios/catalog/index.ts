import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { FileScenario } from '../scenario-file/compile-scenario.js'
import { loadScenarioFile } from '../scenario-file/load-scenario-file.js'
import { CATALOG_DIR, CATALOG_FAMILIES, catalogFiles, type CatalogFamily } from './catalog-files.js'

export { CATALOG_DIR, CATALOG_FAMILIES, catalogFiles, type CatalogFamily } from './catalog-files.js'

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


const catalog = loadCatalog()

/** The certificate-parameter catalog (issue 5), compiled from the scenario files. */
export const catalogScenarios: readonly CatalogScenario[] = catalog.scenarios
export const catalogProblems: readonly string[] = catalog.problems

export function catalogFamily(family: CatalogFamily): CatalogScenario[] {
  return catalogScenarios.filter((scenario) => scenario.family === family)
}
