import { readFileSync } from 'node:fs'
import { loadScenarioFile } from '../scenario-file/load-scenario-file.js'
import { writeSpecCache } from '../scenario-file/spec-cache.js'
import { catalogFiles } from './index.js'

/**
 * The build step after `tsc` (npm run build): validates every shipped catalog file once and keeps
 * the result keyed by its bytes, so a compiled `mitmlab` start skips YAML parsing and validation
 * for files that have not changed since (scenarios/scenario-file/spec-cache.ts). A broken file is
 * simply not cached: the command that loads it still reports it.
 */
const validated = catalogFiles().flatMap((file) => {
  const loaded = loadScenarioFile(file)
  return loaded.ok ? [{ file, text: readFileSync(file, 'utf8'), spec: loaded.spec }] : []
})
process.stdout.write(`scenario file cache: ${writeSpecCache(validated)} catalog files validated\n`)
