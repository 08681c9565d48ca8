import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { projectPath, RUNS_FROM_BUILD } from '../../server/util/project-paths.js'
import type { ScenarioFile } from './schema.js'

/**
 * Validated scenario files, keyed by the SHA-256 of their bytes, written by `npm run build` next to
 * the compiled code. Parsing ~100 YAML files and validating them with zod is most of what
 * `mitmlab list` costs at start (about 60 % of its CPU, measured with --cpu-prof); a file whose
 * exact bytes were validated by this same build skips both. Anything else — an edited file, a new
 * one, a trainer's own file — is parsed and validated in full, so the cache can make a start
 * faster but never change an answer.
 *
 * Only the compiled code (dist/) reads it: the TypeScript sources may be newer than any cache, while
 * bin/mitmlab.mjs runs dist/ only when no source is newer than the build that wrote both.
 */
const CACHE_FILE = projectPath('dist', 'scenario-file-cache.json')

let entries: Map<string, ScenarioFile> | null = null

export function contentKey(file: string, text: string): string {
  // The extension picks the parser (YAML or JSON), so it is part of what was validated.
  return createHash('sha256').update(file.slice(file.lastIndexOf('.')).toLowerCase()).update('\0').update(text).digest('hex')
}

/** The validated spec for exactly these bytes, when this build validated them. */
export function cachedSpec(file: string, text: string): ScenarioFile | undefined {
  if (!RUNS_FROM_BUILD) return undefined
  entries ??= readCache()
  return entries.get(contentKey(file, text))
}

function readCache(): Map<string, ScenarioFile> {
  if (!existsSync(CACHE_FILE)) return new Map()
  try {
    return new Map(Object.entries(JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as Record<string, ScenarioFile>))
  } catch {
    return new Map() // a damaged cache only costs the full parse
  }
}

/** Writes the cache for the given validated files (the build step). */
export function writeSpecCache(validated: readonly { file: string; text: string; spec: ScenarioFile }[]): number {
  const out: Record<string, ScenarioFile> = {}
  for (const entry of validated) out[contentKey(entry.file, entry.text)] = entry.spec
  writeFileSync(CACHE_FILE, `${JSON.stringify(out)}\n`)
  return validated.length
}
