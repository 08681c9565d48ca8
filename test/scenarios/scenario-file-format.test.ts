import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { catalogProblems, catalogScenarios, loadCatalog } from '../../scenarios/catalog/index.js'
import { compileChain } from '../../scenarios/scenario-file/compile-chain.js'
import { loadScenarioFile, parseScenarioText } from '../../scenarios/scenario-file/load-scenario-file.js'
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
