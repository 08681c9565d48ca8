import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { catalogProblems, catalogScenarios, loadCatalog } from '../../scenarios/catalog/index.js'
import { compileChain } from '../../scenarios/scenario-file/compile-chain.js'
import { loadScenarioFile, parseScenarioText } from '../../scenarios/scenario-file/load-scenario-file.js'
import { loadScenarioFilesOrThrow } from '../../scenarios/scenario-file/load-scenario-files.js'
import { requireSoundCatalog, scenarioIdCollisions } from '../../scenarios/index.js'
import { resolveTime } from '../../scenarios/scenario-file/time-offset.js'
import { parseCertificate } from '../../server/x509/index.js'
import { testPki } from '../support/lab-pki.js'

const FILE = 'scenarios/catalog/expired-intermediate.yaml'

/** A valid file; each malformed case below changes one thing in it. */
const VALID = `
id: expired-intermediate
title: Valid leaf under an expired intermediate
explanation: The intermediate expired.
kind: attack
expect:
  strict: { verdict: reject, step: DATES, code: CERT_EXPIRED }
chain:
  certificates:
    - name: intermediate
      template: ca
      issuer: trustedRoot
      subject: { CN: Old CA }
      notAfter: -30d
    - name: leaf
      issuer: intermediate
      notAfter: 30d
  serve: [leaf, intermediate]
`

const problemsOf = (text: string, file = FILE): string[] => {
  const loaded = parseScenarioText(text, file)
  return loaded.ok ? [] : loaded.problems
}

describe('scenario files: the shipped catalog', () => {
  it('compiles every file with no problem', () => {
    expect(catalogProblems).toEqual([])
    expect(catalogScenarios.filter((s) => s.kind === 'attack').length).toBeGreaterThanOrEqual(45)
    expect(catalogScenarios.filter((s) => s.kind === 'control').length).toBeGreaterThanOrEqual(8)
    expect(new Set(catalogScenarios.map((s) => s.id)).size).toBe(catalogScenarios.length)
  })

  it('gives every scenario a trainee explanation, references and its source file', () => {
    for (const scenario of catalogScenarios) {
      expect(scenario.explanation.length, scenario.id).toBeGreaterThan(80)
      expect(scenario.references.length, scenario.id).toBeGreaterThan(0)
      expect(scenario.sourceFile, scenario.id).toMatch(/scenarios\/catalog\/\w+\/[\w-]+\.yaml$/)
    }
  })
})

describe('scenario files: valid files compile', () => {
  it('compiles YAML and the same content as JSON to the same scenario', () => {
    const yaml = parseScenarioText(VALID, 'x.yaml')
    const json = parseScenarioText(JSON.stringify(yaml.ok ? yaml.spec : null), 'x.json')
    if (!yaml.ok || !json.ok) throw new Error('both should load')
    expect(json.spec).toEqual(yaml.spec)
    expect(yaml.scenarios.map((s) => [s.id, s.kind, s.expect])).toEqual([
      ['expired-intermediate', 'attack', { verdict: 'reject', step: 'DATES', code: 'CERT_EXPIRED' }],
    ])
  })

  it('adds <id>-legacy with the legacy client policy when the file states the legacy outcome', () => {
    const loaded = parseScenarioText(VALID.replace('code: CERT_EXPIRED }', 'code: CERT_EXPIRED }\n  legacy: { verdict: accept }'), 'x.yaml')
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'))
    const [strict, legacy] = loaded.scenarios
    const context = { pki: testPki(), host: 'bank.lab', now: new Date() }
    expect(legacy?.id).toBe('expired-intermediate-legacy')
    expect(legacy?.expect).toEqual({ verdict: 'accept', step: null })
    expect(legacy?.clientPolicy?.(context)).toEqual({ profile: 'rfc5280', allowCommonNameFallback: true })
    expect(strict?.clientPolicy?.(context)).toEqual({})
  })

  it('builds the chain the file describes: issuers, offsets from now, defaults of each template', () => {
    const loaded = parseScenarioText(VALID, 'x.yaml')
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'))
    const now = new Date('2026-06-01T12:00:00Z')
    const chain = compileChain(loaded.spec, { pki: testPki(), now, host: 'bank.lab', scenarioId: 'x' })
    const [leaf, intermediate] = chain.served.map((c) => {
      const parsed = parseCertificate(c.der)
      if (!parsed.ok) throw new Error('unparsable')
      return parsed.value
    })
    expect(intermediate?.notAfter.toISOString()).toBe('2026-05-02T12:00:00.000Z')
    expect(intermediate?.basicConstraints).toEqual({ isCa: true, pathLen: null, critical: true })
    expect(leaf?.notAfter.toISOString()).toBe('2026-07-01T12:00:00.000Z')
    expect(leaf?.subjectAltNames).toEqual([{ type: 'dns', value: 'bank.lab' }])
    expect(chain.description).toBe('Served: leaf → intermediate')
  })

  it('reads offsets in s/m/h/d/y and ISO dates', () => {
    const now = new Date('2026-01-01T00:00:00Z')
    expect(resolveTime('-30d', now).toISOString()).toBe('2025-12-02T00:00:00.000Z')
    expect(resolveTime('+2h', now).toISOString()).toBe('2026-01-01T02:00:00.000Z')
    expect(resolveTime('2030-05-01T00:00:00Z', now).toISOString()).toBe('2030-05-01T00:00:00.000Z')
  })
})

describe('scenario files: each malformed file names the file and the field', () => {
  const cases: [string, string, string][] = [
    ['a bad duration', VALID.replace('notAfter: 30d', 'notAfter: next week'), `${FILE}: chain.certificates[1].notAfter: expected a duration like "-30d" or an ISO date`],
    ['a misspelt field', VALID.replace('notAfter: 30d', 'notafter: 30d'), `${FILE}: chain.certificates[1]: unknown field "notafter"`],
    ['a missing title', VALID.replace('title: Valid leaf under an expired intermediate\n', ''), `${FILE}: title: Invalid input: expected string, received undefined`],
    ['an impossible key', VALID.replace('notAfter: 30d', 'key: { rsa: 1000 }'), `${FILE}: chain.certificates[1].key: expected { rsa: 1024|2048|3072|4096 }, { ec: P-256|P-384|P-521 }, ed25519 or { reuse: NAME }`],
    ['an unknown step', VALID.replace('step: DATES', 'step: DATE'), `${FILE}: expect.strict.step: Invalid option: expected one of`],
    ['a code from another step', VALID.replace('step: DATES', 'step: SIG'), `${FILE}: expect.strict.code: CERT_EXPIRED is reported by step DATES, not SIG`],
    ['a rejection without a step', VALID.replace('step: DATES, code: CERT_EXPIRED', 'code: CERT_EXPIRED'), `${FILE}: expect.strict.step: a rejected scenario must name its catching step`],
    ['an id that is not kebab-case', VALID.replace('id: expired-intermediate', 'id: Expired_Intermediate'), `${FILE}: id: expected a kebab-case id`],
    ['an unknown issuer', VALID.replace('issuer: intermediate', 'issuer: intermediat'), `${FILE}: chain.certificates[1].issuer: issuer "intermediat" is neither a lab role`],
    ['an issuer defined below', VALID.replace('issuer: trustedRoot', 'issuer: leaf'), `${FILE}: chain.certificates[0].issuer: issuer "leaf" is neither a lab role`],
    ['a served name that does not exist', VALID.replace('serve: [leaf, intermediate]', 'serve: [leaf, root]'), `${FILE}: chain.serve[1]: certificate to serve "root" is neither a lab role`],
    ['a name defined twice', VALID.replace('name: leaf', 'name: intermediate'), `${FILE}: chain.certificates[1].name: "intermediate" is defined twice`],
    ['a reserved name', VALID.replace('name: leaf', 'name: trustedRoot').replace('[leaf,', '[trustedRoot,'), `${FILE}: chain.certificates[1].name: "trustedRoot" is reserved`],
    ['a control expected to be rejected', VALID.replace('kind: attack', 'kind: control'), `${FILE}: expect.strict.verdict: a control is a case a correct client must accept`],
    ['a bad pin', VALID.replace('kind: attack', 'kind: attack\nclient: { pins: [not-a-pin] }'), `${FILE}: client.pins[0]: expected a lab role or a base64 SHA-256 SPKI pin`],
    ['explicit parameters on P-384', VALID.replace('notAfter: 30d', 'key: { ec: P-384, explicitParameters: true }'), `${FILE}: chain.certificates[1].key.explicitParameters: explicit curve parameters are only written for P-256`],
  ]
  for (const [what, text, message] of cases) {
    it(`rejects ${what}`, () => {
      const problems = problemsOf(text)
      expect(problems.length, `no problem reported for ${what}`).toBeGreaterThan(0)
      expect(problems.some((p) => p.startsWith(message)), problems.join('\n')).toBe(true)
    })
  }

  it('rejects YAML that does not parse, with the line and column', () => {
    const problems = problemsOf(VALID.replace('serve: [leaf, intermediate]', 'serve: [leaf, intermediate'))
    expect(problems[0]).toMatch(/^scenarios\/catalog\/expired-intermediate\.yaml:\d+:\d+: not valid YAML: /)
  })

  it('rejects an empty file as a whole', () => {
    expect(problemsOf('')).toEqual([`${FILE}: (top level): Invalid input: expected object, received null`])
  })

  it('rejects JSON that does not parse', () => {
    expect(problemsOf('{"id": ', 'x.json')[0]).toMatch(/^x\.json: not valid JSON: /)
  })

  it('rejects a file that cannot be read', () => {
    const loaded = loadScenarioFile('/nonexistent/scenario.yaml')
    expect(loaded.ok ? [] : loaded.problems).toEqual(['/nonexistent/scenario.yaml: cannot be read (ENOENT)'])
  })

  it('reports every problem of a file, not just the first', () => {
    const text = VALID.replace('notAfter: 30d', 'notAfter: soon').replace('step: DATES', 'step: NOPE')
    expect(problemsOf(text)).toHaveLength(2)
  })
})

describe('scenario files: a bad file among good ones', () => {
  it('leaves the good files of a catalog usable and names the bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mitmlab-catalog-'))
    mkdirSync(join(dir, 'chain'))
    writeFileSync(join(dir, 'chain', 'a-good.yaml'), VALID)
    writeFileSync(join(dir, 'chain', 'b-bad.yaml'), VALID.replace('id: expired-intermediate', 'id: broken').replace('notAfter: 30d', 'notAfter: never'))
    writeFileSync(join(dir, 'chain', 'c-good.json'), JSON.stringify({ ...jsonOf(VALID), id: 'second-good' }))
    writeFileSync(join(dir, 'chain', 'd-duplicate.yaml'), VALID)
    const catalog = loadCatalog(dir, ['chain'])
    expect(catalog.scenarios.map((s) => s.id)).toEqual(['expired-intermediate', 'second-good'])
    expect(catalog.problems).toEqual([
      `${join(dir, 'chain', 'b-bad.yaml')}: chain.certificates[1].notAfter: expected a duration like "-30d" or an ISO date`,
      `${join(dir, 'chain', 'd-duplicate.yaml')}: id: "expired-intermediate" is already defined by ${join(dir, 'chain', 'a-good.yaml')}`,
    ])
    // The good file on disk still compiles on its own.
    expect(loadScenarioFile(join(dir, 'chain', 'a-good.yaml')).ok).toBe(true)
    expect(readFileSync(join(dir, 'chain', 'a-good.yaml'), 'utf8')).toBe(VALID)
  })
})

function jsonOf(text: string): Record<string, unknown> {
  const loaded = parseScenarioText(text, 'x.yaml')
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'))
  return { ...loaded.spec }
}

// Issue 17 item 6: yaml resolves aliases in toJS(), which threw outside any try/catch.
describe('scenario files: aliases are resolved inside the loader, never thrown past it', () => {
  it('names an alias with no anchor', () => {
    expect(problemsOf('id: x\nx: *a9\n')).toEqual([`${FILE}: not valid YAML: Unresolved alias (the anchor must be set before the alias): a9`])
  })

  it('refuses more than 100 aliases (a billion-laughs document) as a file problem', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]', ...['b', 'c', 'd', 'e'].map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcd'[i]}`).join(', ')}]`)].join('\n')
    const many = `base: &base 1\n${Array.from({ length: 101 }, (_, i) => `k${i}: *base`).join('\n')}\n`
    for (const text of [laughs, many]) {
      expect(problemsOf(text)).toEqual([`${FILE}: not valid YAML: more than 100 aliases (a scenario file needs a handful; refused as a resource-exhaustion attack)`])
    }
  })

  it('still reads a file with a few aliases', () => {
    const text = VALID.replace('notAfter: -30d', 'notAfter: &past -30d').replace('notAfter: 30d', 'notBefore: *past\n      notAfter: 30d')
    expect(parseScenarioText(text, FILE).ok).toBe(true)
  })
})

// Issue 17 item 14: JSON.parse keeps the last of two equal keys without a word; YAML files were refused.
describe('scenario files: a duplicate key is refused in JSON as in YAML, naming the key', () => {
  const json = JSON.stringify(jsonOf(VALID), null, 2)
  it('refuses a JSON file with a repeated top-level key', () => {
    const text = json.replace('"id": "expired-intermediate",', '"id": "expired-intermediate",\n  "id": "other",')
    expect(problemsOf(text, 'x.json')).toEqual(['x.json:3:3: duplicate key "id"'])
  })

  it('refuses a JSON file with a repeated nested key, even spelt with an escape', () => {
    const text = json.replace('"verdict": "reject",', '"verdict": "reject",\n      "\\u0076erdict": "accept",')
    expect(problemsOf(text, 'x.json')).toEqual([expect.stringMatching(/^x\.json:\d+:\d+: duplicate key "verdict"$/)])
  })

  it('names the key in a YAML file too', () => {
    expect(problemsOf(VALID.replace('kind: attack', 'kind: attack\nkind: control'))).toEqual([`${FILE}:6:1: duplicate key "kind"`])
  })
})

// Issue 17 item 8: each of these validated, then failed only when the scenario ran.
describe('scenario files: values the lab cannot build or serve are refused at load', () => {
  const leaf = (field: string): string => VALID.replace('      notAfter: 30d\n', `      notAfter: 30d\n      ${field}\n`)
  const cases: [string, string, string][] = [
    ['an invalid IP SAN', leaf("sans: [{ ip: '300.1.2.3' }]"), `${FILE}: chain.certificates[1].sans[0].ip: "300.1.2.3" is not an IPv4 or IPv6 address`],
    ['a CIDR prefix of 99', leaf("nameConstraints: { permitted: [{ ip: '10.0.0.0/99' }] }"), `${FILE}: chain.certificates[1].nameConstraints.permitted[0].ip: "10.0.0.0/99": the prefix length is at most 32 for an IPv4 address`],
    ['a CIDR without a prefix', leaf("nameConstraints: { excluded: [{ ip: '::1' }] }"), `${FILE}: chain.certificates[1].nameConstraints.excluded[0].ip: "::1" is not CIDR (an IP address, "/", a prefix length)`],
    ['pathLen 2^53-1', leaf('basicConstraints: { ca: true, pathLen: 9007199254740991 }'), `${FILE}: chain.certificates[1].basicConstraints.pathLen: expected at most 2147483647 (the CA writes a 32-bit INTEGER)`],
    ['an extension OID with first arc 3', leaf("extensions: [{ oid: '3.1', critical: false, valueHex: '0500' }]"), `${FILE}: chain.certificates[1].extensions[0].oid: "3.1": the first arc is 0, 1 or 2 (X.660)`],
    ['an EKU OID with an arc over 32 bits', leaf("extendedKeyUsage: ['1.2.4294967296']"), `${FILE}: chain.certificates[1].extendedKeyUsage[0]: "1.2.4294967296": an arc is larger than 4294967295 (the CA writes 32-bit arcs)`],
    ['a 5,000-byte serial', leaf(`serialNumber: "${'7f'.repeat(5000)}"`), `${FILE}: chain.certificates[1].serialNumber: 5000 octets; at most 64 (RFC 5280 §4.1.2.2 allows 20)`],
    ['a serial OpenSSL cannot load (padded)', leaf('serialNumber: "0001"'), `${FILE}: chain.certificates[1].serialNumber: not the minimal encoding of an integer`],
    ['a date in year 0', VALID.replace('notAfter: 30d', "notAfter: '0000-01-01'"), `${FILE}: chain.certificates[1].notAfter: "0000-01-01": the year is 0001 to 9999`],
    ['an offset past year 9999', VALID.replace('notAfter: 30d', 'notAfter: 99999999d'), `${FILE}: chain.certificates[1].notAfter: "99999999d": an offset reaches at most 2000 years back and 7000 years ahead`],
    ['an unknown cipher string', VALID.replace('kind: attack', 'kind: attack\nproxy: { ciphers: NOT-A-CIPHER }'), `${FILE}: proxy.ciphers: "NOT-A-CIPHER" is not a cipher string this Node's OpenSSL accepts`],
  ]
  for (const [what, text, message] of cases) {
    it(`rejects ${what}`, () => {
      const problems = problemsOf(text)
      expect(problems, problems.join('\n')).toHaveLength(1)
      expect(problems[0]?.startsWith(message), problems.join('\n')).toBe(true)
    })
  }

  it('keeps the deliberately broken values the catalog builds on purpose', () => {
    for (const field of ['serialNumber: "00"', `serialNumber: "${'01'.repeat(21)}"`, 'serialNumber: "80"', "extendedKeyUsage: ['2.999.1', '1.39.4294967295']", "sans: [{ ip: '::1' }]", 'basicConstraints: { ca: false, pathLen: 2147483647 }']) {
      expect(problemsOf(leaf(field)), field).toEqual([])
    }
    expect(problemsOf(VALID.replace('kind: attack', 'kind: attack\nproxy: { ciphers: "DEFAULT@SECLEVEL=0" }'))).toEqual([])
    expect(problemsOf(VALID.replace('notAfter: 30d', 'notAfter: 100y').replace('notAfter: -30d', "notAfter: '1950-01-01'"))).toEqual([])
  })
})

// Issue 17 item 7: catalogProblems was computed and never shown; list and run now refuse, naming each file.
describe('scenario files: a broken catalog is named, never silently smaller', () => {
  it('names every broken file and a missing family folder, and list/run refuse (SCENARIO_INVALID, exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mitmlab-catalog-'))
    mkdirSync(join(dir, 'chain'))
    writeFileSync(join(dir, 'chain', 'a-good.yaml'), VALID)
    writeFileSync(join(dir, 'chain', 'b-wrong-type.yaml'), VALID.replace('kind: attack', 'kind: 42'))
    writeFileSync(join(dir, 'chain', 'c-alias.yaml'), 'id: x\nx: *a9\n')
    const catalog = loadCatalog(dir, ['chain', 'names'])
    expect(catalog.scenarios.map((s) => s.id)).toEqual(['expired-intermediate'])
    expect(catalog.problems).toEqual([
      `${join(dir, 'chain', 'b-wrong-type.yaml')}: kind: Invalid option: expected one of "attack"|"control"`,
      `${join(dir, 'chain', 'c-alias.yaml')}: not valid YAML: Unresolved alias (the anchor must be set before the alias): a9`,
      `${join(dir, 'names')}: the catalog's names folder is missing`,
    ])
    expect(() => requireSoundCatalog(catalog.problems)).toThrow(
      expect.objectContaining({ code: 'SCENARIO_INVALID', message: expect.stringContaining(catalog.problems.join('\n  ')) }),
    )
    expect(() => requireSoundCatalog([])).not.toThrow()
  })
})

// Issue 17 item 5: `run --scenario-file` accepted a file reusing a built-in id; `scenarios validate` refused it.
describe('scenario files: one id rule for run --scenario-file and scenarios validate', () => {
  it('refuses a file reusing a built-in id, naming the file and the id, in both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mitmlab-ids-'))
    const file = join(dir, 'reuse.yaml')
    writeFileSync(file, VALID.replace('id: expired-intermediate', 'id: direct-connection'))
    const line = `${file}: id: "direct-connection" is already used by the built-in scenario "direct-connection" (Direct connection (control))`
    expect(scenarioIdCollisions(file, ['direct-connection'])).toEqual([line])
    expect(() => loadScenarioFilesOrThrow([file])).toThrow(expect.objectContaining({ code: 'SCENARIO_INVALID', message: `Invalid scenario file:\n  ${line}` }))
  })

  it('lets a catalog file run by its own path, but not twice with -s', () => {
    const own = 'scenarios/catalog/names/suffix-confusion.yaml'
    expect(loadScenarioFilesOrThrow([own]).map((s) => s.id)).toEqual(['suffix-confusion'])
    expect(() => loadScenarioFilesOrThrow([own], ['suffix-confusion'])).toThrow(`${own}: id: "suffix-confusion" is also selected with -s; name it once`)
  })
})
