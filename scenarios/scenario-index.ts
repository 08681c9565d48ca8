import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { projectPath, RUNS_FROM_BUILD } from '../server/util/project-paths.js'
import { catalogFiles } from './catalog/catalog-files.js'
import type { Scenario } from './define-scenario.js'

/**
 * What `mitmlab list` prints, written by `npm run build` (scripts/build.mjs) so that listing does
 * not load every scenario's implementation — the CA, the proxy, express — which is most of what a
 * compiled `list` still cost (measured with --cpu-prof). It is used only when the catalog on disk
 * is, byte for byte, the one the build listed (the fingerprint below) and only by the compiled
 * code, which bin/mitmlab.mjs runs only while no TypeScript source is newer than the build; in
 * every other case `list` loads the registry as before.
 */
export interface ListedScenario {
  id: string
  title: string
  kind: Scenario['kind']
  tags: readonly string[]
  expect: Scenario['expect']
  references: readonly string[]
}

interface ScenarioIndex {
  catalogFingerprint: string
  scenarios: ListedScenario[]
}

const INDEX_FILE = projectPath('dist', 'scenario-index.json')

/** A hash of the catalog's file names and bytes, in load order. */
export function catalogFingerprint(): string {
  const hash = createHash('sha256')
  for (const file of catalogFiles()) hash.update(file).update('\0').update(readFileSync(file)).update('\0')
  return hash.digest('hex')
}

export function listedScenario({ id, title, kind, tags, expect, references }: Scenario): ListedScenario {
  return { id, title, kind, tags, expect, references }
}

/** The build's list, when it is the list of exactly this catalog; null otherwise (load the registry). */
export function readScenarioIndex(): ListedScenario[] | null {
  if (!RUNS_FROM_BUILD || !existsSync(INDEX_FILE)) return null
  try {
    const index = JSON.parse(readFileSync(INDEX_FILE, 'utf8')) as ScenarioIndex
    return index.catalogFingerprint === catalogFingerprint() ? index.scenarios : null
  } catch {
    return null // unreadable: the registry answers instead
  }
}

export function writeScenarioIndex(scenarios: readonly Scenario[]): void {
  const index: ScenarioIndex = { catalogFingerprint: catalogFingerprint(), scenarios: scenarios.map(listedScenario) }
  writeFileSync(INDEX_FILE, `${JSON.stringify(index)}\n`)
}
