import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { parseDocument } from 'yaml'
import type { z } from 'zod'
import { LabError } from '../../server/errors.js'
import { checkReferences, type FieldProblem } from './check-references.js'
import { compileScenarioFile, type FileScenario } from './compile-scenario.js'
import { scenarioFileSchema, type ScenarioFile } from './schema.js'

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

/** The same, from text already in memory; `file` names it in messages and picks JSON or YAML by extension. */
export function parseScenarioText(text: string, file: string): LoadedScenarioFile {
  const data = parseData(text, file)
  if (!data.ok) return { ok: false, file, problems: data.problems }
  const parsed = scenarioFileSchema.safeParse(data.value)
  if (!parsed.success) return { ok: false, file, problems: parsed.error.issues.map((issue) => zodProblem(file, issue)) }
  const references = checkReferences(parsed.data)
  if (references.length > 0) return { ok: false, file, problems: references.map((problem) => fieldProblem(file, problem)) }
  try {
    return { ok: true, file, spec: parsed.data, scenarios: compileScenarioFile(parsed.data, file) }
  } catch (cause) {
    if (cause instanceof LabError) return { ok: false, file, problems: [`${file}: ${cause.message}`] }
    throw cause
  }
}

function parseData(text: string, file: string): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  if (extname(file).toLowerCase() === '.json') {
    try {
      return { ok: true, value: JSON.parse(text) as unknown }
    } catch (cause) {
      return { ok: false, problems: [`${file}: not valid JSON: ${(cause as Error).message}`] }
    }
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => {
        const at = error.linePos?.[0]
        return `${file}${at === undefined ? '' : `:${at.line}:${at.col}`}: not valid YAML: ${error.message.split('\n')[0] ?? ''}`
      }),
    }
  }
  return { ok: true, value: document.toJS() as unknown }
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
