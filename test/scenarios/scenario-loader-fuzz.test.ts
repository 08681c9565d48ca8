import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { CATALOG_FAMILIES, loadCatalog } from '../../scenarios/catalog/index.js'
import { requireSoundCatalog } from '../../scenarios/index.js'
import { parseScenarioText, type LoadedScenarioFile } from '../../scenarios/scenario-file/load-scenario-file.js'
import { startCli } from '../support/cli-process.js'
import { seededRandom } from '../support/seeded-random.js'

/**
 * Issue 17 acceptance: random YAML/JSON documents, alias bombs and wrong types
 * never throw past the loader, and never hide a bad file from `list`/`run`
 * (they name it and exit 2). Bounded: DOCUMENTS documents from a seeded PRNG,
 * so a failure replays with MITMLAB_FUZZ_SEED=<the seed in the test name>.
 */
const SEED = Number(process.env.MITMLAB_FUZZ_SEED ?? 0x17_10ad)
const DOCUMENTS = 500


const random = seededRandom(SEED)
const int = (below: number): number => Math.floor(random() * below)
const pick = <T,>(items: readonly T[]): T => items[int(items.length)] as T

/** A valid scenario: most documents are one mutation away from it, so they get past the first checks. */
const BASE = {
  id: 'fuzz-base',
  title: 'Valid leaf under an expired intermediate',
  explanation: 'The intermediate expired.',
  kind: 'attack',
  expect: { strict: { verdict: 'reject', step: 'DATES', code: 'CERT_EXPIRED' } },
  proxy: { ciphers: 'DEFAULT' },
  chain: {
    certificates: [
      { name: 'intermediate', template: 'ca', issuer: 'trustedRoot', subject: { CN: 'Old CA' }, notAfter: '-30d', basicConstraints: { ca: true, pathLen: 0 } },
      { name: 'leaf', issuer: 'intermediate', notAfter: '30d', sans: ['bank.lab', { ip: '127.0.0.1' }], serialNumber: '01', extendedKeyUsage: ['serverAuth'] },
    ],
    serve: ['leaf', 'intermediate'],
  },
}

const STRANGE_STRINGS = ['', ' ', '\u0000', 'NOT-A-CIPHER', '10.0.0.0/99', '300.1.2.3', '3.1', '1.2.4294967296', 'ff80', '00'.repeat(3000), '-30d', 'never', 'ATTACK', '*.lab', '{i}', 'é', '\ud800', 'a'.repeat(10_000)]
const STRANGE_NUMBERS = [0, -1, 1.5, 2 ** 31, 2 ** 53 - 1, Number.MAX_VALUE, -0]

function randomValue(depth = 0): unknown {
  switch (int(depth > 2 ? 5 : 7)) {
    case 0:
      return pick(STRANGE_STRINGS)
    case 1:
      return pick(STRANGE_NUMBERS)
    case 2:
      return random() < 0.5
    case 3:
      return null
    case 4:
      return String(int(1000))
    case 5:
      return Array.from({ length: int(4) }, () => randomValue(depth + 1))
    default:
      return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(['id', 'kind', 'x', 'ip', 'dns', 'rsa', 'oid', '__proto__', 'constructor']), randomValue(depth + 1)]))
  }
}

/** Every path to a value inside `value`. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix]
  const entries = Array.isArray(value) ? value.map((item, i): [number, unknown] => [i, item]) : Object.entries(value)
  return [prefix, ...entries.flatMap(([key, item]) => paths(item, [...prefix, key]))]
}

/** BASE with one to three random edits: a value replaced by another type, a field deleted or added. */
function mutated(): Record<string, unknown> {
  const document = structuredClone(BASE) as Record<string, unknown>
  for (let edits = 1 + int(3); edits > 0; edits--) {
    const path = pick(paths(document).filter((p) => p.length > 0))
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], document) as Record<string | number, unknown>
    const key = path[path.length - 1] as string | number
    const edit = int(3)
    if (edit === 0) delete parent[key]
    else if (edit === 1) parent[key] = randomValue()
    else parent[`${String(key)}X`] = randomValue()
  }
  return document
}

/** Text no serializer writes: aliases, tags, duplicate keys, nesting, truncation, bytes. */
function hostileYaml(): string {
  switch (int(9)) {
    case 0: {
      // Billion laughs: each level repeats the one below `width` times.
      const width = 2 + int(9)
      const levels = 2 + int(6)
      const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`]
      for (let level = 1; level < levels; level++) lines.push(`l${level}: &l${level} [${Array(width).fill(`*l${level - 1}`).join(', ')}]`)
      return `${stringify(BASE)}${lines.join('\n')}\n`
    }
    case 1:
      return `${stringify(BASE)}extra: *a${int(100)}\n`
    case 2:
      return `base: &b 1\n${Array.from({ length: 90 + int(30) }, (_, i) => `k${i}: *b`).join('\n')}\n`
    case 3:
      return stringify(BASE).replace('kind: attack', pick(['kind: !!binary aGVsbG8=', 'kind: !!set { a, b }', 'kind: !custom attack', 'kind: !!int attack', 'kind: !!timestamp 2001-12-14', 'kind: !!omap [ a: 1 ]']))
    case 4:
      return stringify(BASE).replace('kind: attack', `kind: attack\n${pick(['kind: control', 'id: again', 'title: twice'])}`)
    case 5:
      return pick(['[', '{', '- ', '{a: ']).repeat(50 + int(800))
    case 6: {
      const text = stringify(mutated())
      return text.slice(0, int(text.length))
    }
    case 7:
      return Buffer.from(Array.from({ length: int(300) }, () => int(256))).toString('latin1')
    default:
      return `${stringify(BASE)}---\n${stringify(BASE)}`
  }
}

function hostileJson(): string {
  const json = JSON.stringify(mutated(), null, int(2) === 0 ? 2 : undefined)
  switch (int(5)) {
    case 0:
      return json.replace('"kind":', `"kind": "control", "kind":`)
    case 1:
      return json.replace('"verdict":', '"\\u0076erdict": "accept", "verdict":')
    case 2:
      return json.slice(0, int(json.length))
    case 3:
      return `${'['.repeat(100 + int(1000))}${']'.repeat(int(1100))}`
    default:
      return `\ufeff${json}`
  }
}

/** One document: its file name (the extension picks the parser) and its text. */
function document(index: number): { name: string; text: string } {
  const kind = int(5)
  if (kind === 0) return { name: `${index}-mutated.json`, text: JSON.stringify(mutated()) }
  if (kind === 1) return { name: `${index}-mutated.yaml`, text: stringify(mutated()) }
  if (kind === 2) return { name: `${index}-hostile.json`, text: hostileJson() }
  if (kind === 3) return { name: `${index}-random.yaml`, text: stringify(randomValue()) }
  return { name: `${index}-hostile.yaml`, text: hostileYaml() }
}

const documents = Array.from({ length: DOCUMENTS }, (_, index) => document(index))
const catalogDir = mkdtempSync(join(tmpdir(), 'mitmlab-fuzz-'))
afterAll(() => rmSync(catalogDir, { recursive: true, force: true }))

describe(`scenario loader fuzz (seed ${SEED}, replay with MITMLAB_FUZZ_SEED=${SEED})`, () => {
  it(`never throws past the loader, and names the file in every problem (${DOCUMENTS} documents)`, () => {
    let refused = 0
    documents.forEach(({ name, text }, index) => {
      const file = `fuzz/${name}`
      let loaded: LoadedScenarioFile | undefined
      expect(() => (loaded = parseScenarioText(text, file)), `seed ${SEED}, document ${index} (${name})`).not.toThrow()
      if (loaded === undefined) throw new Error('unreachable')
      if (loaded.ok) {
        expect(loaded.scenarios[0]?.id, `seed ${SEED}, document ${index}`).toBe(loaded.spec.id)
        return
      }
      refused += 1
      expect(loaded.problems.length, `seed ${SEED}, document ${index}`).toBeGreaterThan(0)
      for (const problem of loaded.problems) expect(problem.startsWith(`${file}`), `seed ${SEED}, document ${index}: ${problem.slice(0, 200)}`).toBe(true)
    })
    // Most documents are broken on purpose; a loader accepting them all would be the bug.
    expect(refused, `seed ${SEED}`).toBeGreaterThan(DOCUMENTS / 2)
  })

  it('never hides a bad file: each file of a catalog of them either loads or is named, and list/run refuse', () => {
    for (const family of CATALOG_FAMILIES) mkdirSync(join(catalogDir, family), { recursive: true })
    documents.forEach(({ name, text }, index) => writeFileSync(join(catalogDir, CATALOG_FAMILIES[index % CATALOG_FAMILIES.length] ?? 'chain', name), text))
    const catalog = loadCatalog(catalogDir)
    const loadedFiles = new Set(catalog.scenarios.map((scenario) => scenario.sourceFile))
    documents.forEach(({ name }, index) => {
      const file = join(catalogDir, CATALOG_FAMILIES[index % CATALOG_FAMILIES.length] ?? 'chain', name)
      const named = catalog.problems.some((problem) => problem.startsWith(`${file}:`))
      expect(loadedFiles.has(file) !== named, `seed ${SEED}, document ${index} (${name}): loaded ${loadedFiles.has(file)}, named ${named}`).toBe(true)
    })
    expect(catalog.problems.length, `seed ${SEED}`).toBeGreaterThan(0)
    expect(() => requireSoundCatalog(catalog.problems)).toThrow(expect.objectContaining({ code: 'SCENARIO_INVALID' }))
  })

  it('`mitmlab list` over that catalog exits 2 naming every bad file, with no stack trace', async () => {
    const catalog = loadCatalog(catalogDir)
    const cli = startCli(['list'], { MITMLAB_CATALOG_DIR: catalogDir })
    cli.child.stdin.end()
    const { code } = await cli.exited
    const { stdout, stderr } = cli.output()
    expect(code, `seed ${SEED}: ${stderr.slice(0, 500)}`).toBe(2)
    expect(stdout).toBe('')
    // Through a UTF-8 stream, as the process wrote them (a lone surrogate in a fuzzed value becomes U+FFFD).
    for (const problem of catalog.problems) expect(stderr, `seed ${SEED}`).toContain(Buffer.from(problem, 'utf8').toString('utf8'))
    expect(stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m)
  }, 120_000)
})
