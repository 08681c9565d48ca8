import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml'
import type { z } from 'zod'
import { LabError } from '../../server/errors.js'
import { checkReferences, type FieldProblem } from './check-references.js'
import { compileScenarioFile, type FileScenario } from './compile-scenario.js'
import { scenarioFileSchema, type ScenarioFile } from './schema.js'
import { cachedSpec } from './spec-cache.js'

/** A scenario file either compiles, or says what is wrong with it: one line per problem, each naming the file and the field. */
export type LoadedScenarioFile =
  | { ok: true; file: string; spec: ScenarioFile; scenarios: FileScenario[] }
  | { ok: false; file: string; problems: string[] }

/**
 * Reads, validates and compiles one scenario file (.yaml/.yml or .json). A
 * malformed file is a value, not an exception: the caller decides whether
 * one bad file stops anything.
 *
 * @example
 * const loaded = loadScenarioFile('scenarios/catalog/expired-intermediate.yaml')
 * if (!loaded.ok) console.error(loaded.problems.join('\n'))
 */
export function loadScenarioFile(file: string): LoadedScenarioFile {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (cause) {
    return { ok: false, file, problems: [`${file}: cannot be read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`] }
  }
  return parseScenarioText(text, file)
}

/**
 * The same, from text already in memory; `file` names it in messages and picks JSON or YAML by
 * extension. Never throws: whatever the text holds (aliases, tags, wrong types, deep nesting),
 * the answer is a value naming the file, so one hostile or broken file cannot take a command down.
 */
export function parseScenarioText(text: string, file: string): LoadedScenarioFile {
  try {
    const loaded = parseScenario(text, file)
    return loaded.ok ? loaded : { ...loaded, problems: capped(loaded.problems, file) }
  } catch (cause) {
    // Every expected defect is reported above as a field problem; reaching here is a loader bug,
    // still reported against the file so that `list`/`run` name it and exit 2 instead of a stack trace.
    const reason = cause instanceof LabError ? cause.message : `internal error while loading it (${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)})`
    return { ok: false, file, problems: [`${file}: ${reason}`] }
  }
}

/** A file this broken gets its first problems and a count, not a screenful per nesting level (900 nested "{" made 900 lines). */
const MAX_PROBLEMS_PER_FILE = 20

function capped(problems: string[], file: string): string[] {
  if (problems.length <= MAX_PROBLEMS_PER_FILE) return problems
  return [...problems.slice(0, MAX_PROBLEMS_PER_FILE), `${file}: and ${problems.length - MAX_PROBLEMS_PER_FILE} more problems`]
}

function parseScenario(text: string, file: string): LoadedScenarioFile {
  const cached = cachedSpec(file, text)
  if (cached !== undefined) return { ok: true, file, spec: cached, scenarios: compileScenarioFile(cached, file) }
  const data = parseData(text, file)
  if (!data.ok) return { ok: false, file, problems: data.problems }
  const parsed = scenarioFileSchema.safeParse(data.value)
  if (!parsed.success) return { ok: false, file, problems: parsed.error.issues.map((issue) => zodProblem(file, issue)) }
  const references = checkReferences(parsed.data)
  if (references.length > 0) return { ok: false, file, problems: references.map((problem) => fieldProblem(file, problem)) }
  return { ok: true, file, spec: parsed.data, scenarios: compileScenarioFile(parsed.data, file) }
}

/**
 * YAML's default limit (yaml's `maxAliasCount`): a file needs a handful of aliases at most, and a
 * billion-laughs document expands exponentially with each one.
 */
const MAX_ALIASES = 100

type ParsedData = { ok: true; value: unknown } | { ok: false; problems: string[] }

function parseData(text: string, file: string): ParsedData {
  const isJson = extname(file).toLowerCase() === '.json'
  if (isJson) {
    let value: unknown
    try {
      value = JSON.parse(text) as unknown
    } catch (cause) {
      return { ok: false, problems: [`${file}: not valid JSON: ${(cause as Error).message}`] }
    }
    // JSON.parse keeps the last of two equal keys without a word (RFC 8259 §4 only says names
    // SHOULD be unique). JSON is YAML 1.2, so yaml's parser finds them, as it does for YAML files.
    const duplicates = duplicateKeys(text, file)
    return duplicates.length > 0 ? { ok: false, problems: duplicates } : { ok: true, value }
  }
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: false, lineCounter })
  const duplicates = duplicateKeysOf(document, file, lineCounter)
  if (document.errors.length > 0 || duplicates.length > 0) {
    return {
      ok: false,
      problems: [
        ...document.errors.map((error) => {
          const at = error.linePos?.[0]
          return `${file}${at === undefined ? '' : `:${at.line}:${at.col}`}: not valid YAML: ${error.message.split('\n')[0] ?? ''}`
        }),
        ...duplicates,
      ],
    }
  }
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: MAX_ALIASES }) as unknown }
  } catch (cause) {
    // yaml resolves aliases only here: an alias with no anchor before it, or more than
    // MAX_ALIASES of them, throws a ReferenceError.
    return { ok: false, problems: [`${file}: not valid YAML: ${aliasMessage(cause)}`] }
  }
}

function aliasMessage(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause)
  if (/excessive alias count/i.test(message)) return `more than ${MAX_ALIASES} aliases (a scenario file needs a handful; refused as a resource-exhaustion attack)`
  return message
}

function duplicateKeys(text: string, file: string): string[] {
  const lineCounter = new LineCounter()
  return duplicateKeysOf(parseDocument(text, { uniqueKeys: false, lineCounter }), file, lineCounter)
}

/** `file:line:col: duplicate key "id"`, for every key a mapping repeats (YAML 1.2 §3.2.1.1: keys are unique). */
function duplicateKeysOf(document: Document, file: string, lineCounter: LineCounter): string[] {
  const problems: string[] = []
  visit(document, {
    Map(_key, map) {
      const seen = new Set<string>()
      for (const pair of map.items) {
        // Only scalar keys can name a field. A collection used as a key ("{{{{") is refused by the
        // schema anyway, and stringifying nested ones grows quadratically (measured: 900 nested
        // flow maps took 70 s and then "Invalid string length").
        if (!isScalar(pair.key)) continue
        const key = String(pair.key.value)
        if (!seen.has(key)) {
          seen.add(key)
          continue
        }
        const offset = pair.key.range?.[0]
        const at = offset === undefined ? undefined : lineCounter.linePos(offset)
        problems.push(`${file}${at === undefined ? '' : `:${at.line}:${at.col}`}: duplicate key "${key}"`)
      }
    },
  })
  return problems
}

function zodProblem(file: string, issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return fieldProblem(file, { path: issue.path as FieldProblem['path'], message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` })
  }
  return fieldProblem(file, { path: issue.path as FieldProblem['path'], message: issue.message })
}

/** `chain.certificates[1].notAfter` */
export function formatFieldPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text === '' ? part : `${text}.${part}`), '')
}

function fieldProblem(file: string, problem: FieldProblem): string {
  const path = formatFieldPath(problem.path)
  return `${file}: ${path === '' ? '(top level)' : path}: ${problem.message}`
}
