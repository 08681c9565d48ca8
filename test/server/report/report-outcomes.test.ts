import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'
import { formatHtmlReport } from '../../../server/report/format-html.js'
import { formatJunitReport } from '../../../server/report/format-junit.js'
import { formatMarkdownReport } from '../../../server/report/format-markdown.js'
import { findingOf, type RunReport } from '../../../server/report/run-report.js'
import { newConnectionRecord } from '../../../server/proxy/connection-record.js'

/*
 * reports.test.ts renders a live run, which has only one kind of finding (an accepted attack).
 * This run is built by hand with one result per outcome — an accepted attack, a rejected
 * control, a scenario that could not be run (the model's "not exercised"), a caught attack
 * and an accepted control — and every format is checked for each, with literal expectations.
 */

function result(fields: Partial<ScenarioResult> & Pick<ScenarioResult, 'scenarioId' | 'clientId' | 'ordinal' | 'kind'>): ScenarioResult {
  return {
    runId: 'run-x',
    expected: fields.kind === 'attack' ? { verdict: 'reject', step: 'HOST' } : { verdict: 'accept', step: null },
    verdict: 'reject',
    catchingStep: null,
    code: null,
    node: { authorized: false, error: null },
    leaked: false,
    asExpected: true,
    error: null,
    startedAt: '2026-11-24T09:30:00.000Z',
    durationMs: 250,
    steps: [],
    connections: [],
    client: null,
    genuine: { requests: [] },
    mismatches: [],
    ...fields,
  }
}

const leakingConnection = newConnectionRecord(1, 'terminate', '127.0.0.1:5000')
leakingConnection.plaintext.credentials.push({ field: 'password', value: 'correct-horse-battery-staple', path: '/login' })

const refusingConnection = newConnectionRecord(2, 'terminate', '127.0.0.1:5001')
refusingConnection.outcome = 'client-rejected'
refusingConnection.clientAlert = 'bad_certificate'

const CAUGHT = result({
  scenarioId: 'wrong-host',
  clientId: 'lab-verifier',
  ordinal: 0,
  kind: 'attack',
  catchingStep: 'HOST',
  code: 'HOSTNAME_MISMATCH',
  connections: [refusingConnection],
  steps: [
    { step: 'TRUST', status: 'pass', message: 'Anchored' },
    { step: 'HOST', status: 'fail', code: 'HOSTNAME_MISMATCH', message: 'Certificate is for evil.lab, not bank.lab' },
  ],
})
const ACCEPTED_ATTACK = result({
  scenarioId: 'wrong-host',
  clientId: 'curl',
  ordinal: 0,
  kind: 'attack',
  verdict: 'accept',
  node: { authorized: true, error: null },
  leaked: true,
  asExpected: false,
  connections: [leakingConnection],
  mismatches: ['curl accepted an attack that HOST should catch'],
  durationMs: 1500,
})
const CONTROL_OK = result({ scenarioId: 'direct-connection', clientId: 'lab-verifier', ordinal: 1, kind: 'control', verdict: 'accept', node: { authorized: true, error: null } })
const REJECTED_CONTROL = result({
  scenarioId: 'direct-connection',
  clientId: 'curl',
  ordinal: 1,
  kind: 'control',
  catchingStep: 'TRUST',
  code: 'CLIENT_REJECTED',
  asExpected: false,
  steps: [{ step: 'TRUST', status: 'fail', code: 'CLIENT_REJECTED', message: 'unable to get local issuer certificate' }],
  mismatches: ['curl rejected a connection a correct client accepts'],
})
const NOT_RUN = result({
  scenarioId: 'expired-leaf',
  clientId: 'lab-verifier',
  ordinal: 2,
  kind: 'attack',
  asExpected: false,
  error: 'SCENARIO_FAILED: Scenario expired-leaf did not start within 20000 ms\n    at stageScenario',
  mismatches: ['The scenario could not be run: SCENARIO_FAILED: Scenario expired-leaf did not start within 20000 ms'],
  durationMs: 20000,
})

const report: RunReport = {
  run: {
    id: 'run-x',
    startedAt: '2026-11-24T09:30:00.000Z',
    finishedAt: '2026-11-24T09:31:00.000Z',
    status: 'failed',
    trigger: 'test',
    options: {},
    scenarioCount: 3,
    resultCount: 5,
    caughtCount: 1,
    leakedCount: 1,
    unexpectedCount: 3,
  },
  results: [CAUGHT, ACCEPTED_ATTACK, CONTROL_OK, REJECTED_CONTROL, NOT_RUN],
  scenarios: {
    'wrong-host': { id: 'wrong-host', title: 'Certificate for <another> host', explanation: 'The attacker serves a valid certificate for evil.lab.', references: ['RFC 6125'], tags: [] },
    'direct-connection': { id: 'direct-connection', title: 'Direct connection', explanation: 'No attacker.', references: [], tags: [] },
    'expired-leaf': { id: 'expired-leaf', title: 'Expired leaf', explanation: 'The leaf expired.', references: [], tags: [] },
  },
  genuineChain: [],
  generatedAt: '2026-11-24T10:00:00.000Z',
}

describe('findingOf', () => {
  it.each<[string, ScenarioResult, string]>([
    ['a caught attack', CAUGHT, 'ok'],
    ['an accepted attack', ACCEPTED_ATTACK, 'accepted-attack'],
    ['an accepted control', CONTROL_OK, 'ok'],
    ['a rejected control', REJECTED_CONTROL, 'rejected-control'],
    ['a scenario that could not be run', NOT_RUN, 'error'],
    ['an error wins over an accepted attack', { ...ACCEPTED_ATTACK, error: 'boom' }, 'error'],
  ])('%s is %s', (_name, judged, finding) => {
    expect(findingOf(judged)).toBe(finding)
  })
})

interface JunitCase {
  classname: string
  name: string
  time: string
  failure?: { type: string; message: string; '#text': string }
  error?: { type: string; message: string; '#text': string }
  'system-out'?: string
}
interface JunitSuite {
  name: string
  tests: string
  failures: string
  errors: string
  skipped: string
  time: string
  testcase: JunitCase[]
}

describe('formatJunitReport, every outcome', () => {
  const xml = formatJunitReport(report)
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testsuite' || name === 'testcase' }).parse(xml) as {
    testsuites: { name: string; tests: string; failures: string; errors: string; time: string; testsuite: JunitSuite[] }
  }
  const suites = Object.fromEntries(doc.testsuites.testsuite.map((s) => [s.name, s]))
  const caseOf = (client: string, scenario: string): JunitCase | undefined => suites[client]?.testcase.find((c) => c.name.startsWith(`${scenario} `) || c.name === scenario)

  it('is valid XML with totals over every client', () => {
    expect(XMLValidator.validate(xml)).toBe(true)
    expect(doc.testsuites).toMatchObject({ name: 'mitmlab run run-x', tests: '5', failures: '2', errors: '1', time: '22.250' })
  })

  it('one suite per client, with its own counts', () => {
    expect(doc.testsuites.testsuite.map((s) => [s.name, s.tests, s.failures, s.errors, s.skipped, s.time])).toEqual([
      ['lab-verifier', '3', '0', '1', '0', '20.500'],
      ['curl', '2', '2', '0', '0', '1.750'],
    ])
  })

  it('an accepted attack is a failure naming the leak and the step that should have caught it', () => {
    const testCase = caseOf('curl', 'wrong-host')
    expect(testCase?.name).toBe('wrong-host — Certificate for <another> host')
    expect(testCase?.classname).toBe('mitmlab.curl')
    expect(testCase?.failure?.type).toBe('accepted-attack')
    expect(testCase?.failure?.message).toBe('The client accepted the attack and leaked the credentials')
    expect(testCase?.failure?.['#text']).toBe(
      'expected: step HOST; actual: accept, caught by no step; credentials leaked: yes; finding: accepted-attack\nThe attacker serves a valid certificate for evil.lab.\ncurl accepted an attack that HOST should catch',
    )
    expect(testCase?.error).toBeUndefined()
  })

  it('a rejected control is a failure, never a pass', () => {
    const testCase = caseOf('curl', 'direct-connection')
    expect(testCase?.failure?.type).toBe('rejected-control')
    expect(testCase?.failure?.message).toBe('The client rejected a control at TRUST (CLIENT_REJECTED)')
    expect(testCase?.failure?.['#text']).toBe(
      'expected: verdict accept; actual: reject, caught by TRUST (CLIENT_REJECTED); credentials leaked: no; finding: rejected-control\nNo attacker.\ncurl rejected a connection a correct client accepts\nTRUST CLIENT_REJECTED: unable to get local issuer certificate',
    )
    expect(testCase?.['system-out']).toBeUndefined()
  })

  it('a scenario that could not be run is an error with the first line as message and the whole text', () => {
    const testCase = caseOf('lab-verifier', 'expired-leaf')
    expect(testCase?.failure).toBeUndefined()
    expect(testCase?.error).toEqual({
      type: 'scenario-error',
      message: 'SCENARIO_FAILED: Scenario expired-leaf did not start within 20000 ms',
      '#text': 'SCENARIO_FAILED: Scenario expired-leaf did not start within 20000 ms\n    at stageScenario',
    })
  })

  it('a caught attack and an accepted control pass, with what happened as output', () => {
    const caught = caseOf('lab-verifier', 'wrong-host')
    expect(caught?.failure).toBeUndefined()
    expect(caught?.error).toBeUndefined()
    expect(caught?.['system-out']).toBe(
      'expected: step HOST; actual: reject, caught by HOST (HOSTNAME_MISMATCH); credentials leaked: no; finding: ok\nThe attacker serves a valid certificate for evil.lab.\nHOST HOSTNAME_MISMATCH: Certificate is for evil.lab, not bank.lab',
    )
    const control = caseOf('lab-verifier', 'direct-connection')
    expect(control).toMatchObject({ time: '0.250', 'system-out': 'expected: verdict accept; actual: accept, caught by no step; credentials leaked: no; finding: ok\nNo attacker.' })
    expect(control?.failure).toBeUndefined()
  })

  it('names a test case by its id alone when the scenario is no longer known (its title is its id)', () => {
    const retired = formatJunitReport({ ...report, results: [CONTROL_OK], scenarios: { 'direct-connection': { id: 'direct-connection', title: 'direct-connection', explanation: '', references: [], tags: [] } } })
    expect(retired).toContain('<testcase classname="mitmlab.lab-verifier" name="direct-connection" time="0.250">')
  })

  it('names a test case by its id alone when the report carries no entry for its scenario at all', () => {
    const unknown = formatJunitReport({ ...report, results: [CONTROL_OK], scenarios: {} })
    expect(unknown).toContain('<testcase classname="mitmlab.lab-verifier" name="direct-connection" time="0.250">')
  })

  it('a result that was not exercised is a skipped case naming why, counted as skipped, never a pass or a failure', () => {
    const reason = 'curl went straight to https:// (it cannot be told to type the bare name)'
    const notExercised = result({
      scenarioId: 'wrong-host',
      clientId: 'curl',
      ordinal: 5,
      kind: 'attack',
      verdict: 'accept',
      code: 'NOT_EXERCISED',
      external: { rawError: null, exitCode: 0, isMapped: false, output: '', notExercised: reason },
    })
    const skipped = formatJunitReport({ ...report, results: [notExercised] })
    expect(skipped).toContain(`<skipped message="not exercised: ${reason}"/>`)
    expect(skipped).toContain('tests="1" failures="0" errors="0" skipped="1"')
    expect(skipped).not.toContain('<system-out>')
    expect(skipped).not.toContain('<failure')
  })

  it('an unexpected result that lists no mismatch (a store written by another version) still fails, as "not as expected"', () => {
    const bare = result({ scenarioId: 'wrong-host', clientId: 'lab-verifier', ordinal: 6, kind: 'attack', verdict: 'reject', catchingStep: 'HOST', code: 'HOSTNAME_MISMATCH', asExpected: false })
    expect(formatJunitReport({ ...report, results: [bare] })).toContain('<failure type="unexpected" message="not as expected">')
  })

  it('an accepted attack without a leak says so', () => {
    const quiet = formatJunitReport({ ...report, results: [{ ...ACCEPTED_ATTACK, leaked: false, connections: [] }] })
    expect(quiet).toContain('<failure type="accepted-attack" message="The client accepted the attack">')
  })
})

describe('formatMarkdownReport, every outcome', () => {
  const markdown = formatMarkdownReport(report)

  it('summarises the run with each count', () => {
    expect(markdown.split('\n').slice(0, 5)).toEqual([
      '### mitmlab run `run-x` — failed',
      '',
      'gate --fail-on unexpected judging every client: FAILED, 3 unexpected result(s): wrong-host (curl), direct-connection (curl), expired-leaf (lab-verifier).',
      '',
      '3 scenarios × 2 clients, 2/5 as expected: 1 attacks caught, **1 attacks accepted** that a check catches, 1 controls rejected, 0 not exercised, 1 credential leaks, 3 unexpected.',
    ])
    // One line per client: its grade and why, false accepts over the attacks it met, false rejects over the controls.
    expect(markdown).toContain('| curl | — | yes | **F** capped at F: accepts certificates for another name: any site owner can impersonate the bank (1 attack caught by HOST) | 1/1 | 1/1 | 0 | 0 |')
    expect(markdown).toContain('| lab-verifier | — | yes | **A** refuses every attack a check can catch and accepts every control | 0/2 | 0/1 | 0 | 0 |')
  })

  it('counts as caught only attacks that were rejected and ran: not a rejected control, not an attack that could not run', () => {
    const counts = (results: ScenarioResult[]): string => formatMarkdownReport({ ...report, results }).split('\n')[4] ?? ''
    expect(counts([CAUGHT, CONTROL_OK, NOT_RUN])).toContain(': 1 attacks caught, **0 attacks accepted**')
    expect(counts([REJECTED_CONTROL, NOT_RUN])).toContain(': 0 attacks caught, **0 attacks accepted** that a check catches, 1 controls rejected')
  })

  it('lists an accepted attack nothing can catch before results that are simply ok, whatever the run order', () => {
    const undetectable = result({ scenarioId: 'installed-interception-ca', clientId: 'lab-verifier', ordinal: 7, kind: 'attack', expected: { verdict: 'accept', step: null }, verdict: 'accept', leaked: true })
    const rows = formatMarkdownReport({ ...report, results: [CONTROL_OK, undetectable] }).split('\n').filter((line) => line.startsWith('| `'))
    expect(rows.map((row) => row.split(' | ')[0])).toEqual(['| `installed-interception-ca`', '| `direct-connection`'])
  })

  it('lists accepted attacks first, then rejected controls, then errors, then the rest in run order', () => {
    expect(markdown.split('\n').filter((line) => line.startsWith('| `'))).toEqual([
      '| `wrong-host` | curl | HOST | — | accept | **yes** | **false accept** (fails the gate) | ✗ |',
      '| `direct-connection` | curl | (accept) | TRUST `CLIENT_REJECTED` | reject | no | **false reject** (fails the gate) | ✗ |',
      '| `expired-leaf` | lab-verifier | HOST | — | reject | no | **error** (fails the gate) | ✗ |',
      '| `wrong-host` | lab-verifier | HOST | HOST `HOSTNAME_MISMATCH` | reject | no | ok | ✓ |',
      '| `direct-connection` | lab-verifier | (accept) | — | accept | no | ok | ✓ |',
    ])
  })
})

describe('formatMarkdownReport ordering, whatever the run order', () => {
  it('puts a rejected control before an error even when the error ran first, for clients the gate does not judge', () => {
    // Only lab-verifier is judged: curl's results fail nothing, so only the finding orders them.
    const run = { ...report.run, options: { gate: { failOn: 'unexpected', judged: ['lab-verifier'] } } }
    const lines = formatMarkdownReport({ ...report, run, results: [{ ...NOT_RUN, clientId: 'curl', ordinal: 0 }, { ...REJECTED_CONTROL, ordinal: 4 }, { ...CONTROL_OK, ordinal: 5 }] })
      .split('\n')
      .filter((line) => line.startsWith('| `'))
    expect(lines.map((line) => line.split(' | ')[0])).toEqual(['| `direct-connection`', '| `expired-leaf`', '| `direct-connection`'])
    expect(lines[0]).toContain('**false reject**')
    expect(lines[1]).toContain('**error**')
  })
})

describe('formatHtmlReport, every outcome', () => {
  const html = formatHtmlReport(report)
  const card = (scenario: string, client: string): string => {
    const start = html.indexOf(`<section class="client-result" id="${scenario}--${client}">`)
    if (start < 0) throw new Error(`no card for ${scenario} × ${client}`)
    return html.slice(start, html.indexOf('</section>', start))
  }

  it('counts each outcome in the summary', () => {
    expect(html).toContain(
      '<div class="summary">\n<div><b>3</b>scenarios</div>\n<div><b>2</b>clients</div>\n<div><b>1</b>attacks caught</div>\n<div><b>1</b>false accepts</div>\n<div><b>0</b>not exercised</div>\n<div><b>1</b>credential leaks</div>\n<div><b>3</b>unexpected</div>\n</div>',
    )
  })

  it('counts as caught only attacks rejected that ran, marks the gate verdict, opens only scenarios with an unexpected result, and dashes an empty "falls for"', () => {
    const passing = formatHtmlReport({ ...report, results: [CAUGHT, CONTROL_OK, NOT_RUN].map((r) => ({ ...r, clientId: 'lab-verifier', asExpected: r.error === null })) })
    expect(passing).toContain('<div><b>1</b>attacks caught</div>')
    expect(formatHtmlReport({ ...report, results: [REJECTED_CONTROL, NOT_RUN] })).toContain('<div><b>0</b>attacks caught</div>')
    expect(html).toMatch(/<p class="fail"><b>gate --fail-on unexpected/)
    const clean = formatHtmlReport({ ...report, results: [CAUGHT, CONTROL_OK].map((r) => ({ ...r, clientId: 'lab-verifier' })) })
    expect(clean).toMatch(/<p class="pass"><b>gate --fail-on unexpected/)
    expect(clean).toContain('<details class="scenario" id="wrong-host">')
    expect(clean).not.toContain(' open>')
    expect(html).toContain('<details class="scenario" id="expired-leaf" open>')
    expect(clean).toMatch(/<tr><td>lab-verifier<\/td>.*<td>—<\/td><\/tr>/)
    expect(html).toContain('<span class="fail">lab-verifier: <b class="fail">Not run</b></span>')
    expect(clean).not.toContain('<span class="fail">')
    // A single reference is listed too.
    expect(html).toContain('<p class="muted">References: RFC 6125</p>')
  })

  it('an accepted attack: the leak, the finding and why it is unexpected', () => {
    const text = card('wrong-host', 'curl')
    expect(text).toContain('<span class="leak">Accepted: the credentials leaked to the proxy</span>. Expected: HOST. <b class="fail">accepted-attack</b>')
    expect(text).toContain('<b class="fail">Unexpected:</b> curl accepted an attack that HOST should catch')
    expect(text).toContain('<li class="leak">read in the clear: password=correct-horse-battery-staple</li>')
  })

  it('a rejected control: where it stopped, and the finding', () => {
    const text = card('direct-connection', 'curl')
    expect(text).toContain('Stopped at <b>TRUST</b> <code>CLIENT_REJECTED</code>. Expected: verdict accept. <b class="fail">rejected-control</b>')
    expect(text).toContain('<b class="fail">Unexpected:</b> curl rejected a connection a correct client accepts')
  })

  it('a scenario that could not be run: the error finding and the reason', () => {
    const text = card('expired-leaf', 'lab-verifier')
    expect(text).toContain('<p><b class="fail">Not run</b>. Expected: HOST. <b class="fail">error</b>')
    expect(text).toContain('<b class="fail">Unexpected:</b> The scenario could not be run: SCENARIO_FAILED: Scenario expired-leaf did not start within 20000 ms')
  })

  it('results as expected carry no finding and no "Unexpected"', () => {
    for (const text of [card('wrong-host', 'lab-verifier'), card('direct-connection', 'lab-verifier')]) {
      expect(text).not.toContain('<b class="fail">')
    }
    expect(card('wrong-host', 'lab-verifier')).toContain('Stopped at <b>HOST</b> <code>HOSTNAME_MISMATCH</code>. Expected: HOST.')
    expect(card('direct-connection', 'lab-verifier')).toContain('Accepted. Expected: verdict accept.')
  })

  it('lists each step that ran with its code and sentence, and what the proxy saw or that there was none', () => {
    const caught = card('wrong-host', 'lab-verifier')
    expect(caught).toContain(
      '<h4>Steps</h4><ul class="steps"><li class="pass">✓ <b>TRUST</b> Anchored</li><li class="fail">✗ <b>HOST</b> <code>HOSTNAME_MISMATCH</code> Certificate is for evil.lab, not bank.lab</li></ul>',
    )
    expect(caught).toContain('<h4>What the proxy saw</h4><ul><li>client-rejected, alert <code>bad_certificate</code></li></ul>')
    expect(card('direct-connection', 'lab-verifier')).toContain('<h4>What the proxy saw</h4><ul><li>no proxy on the path</li></ul>')
  })

  it("names in the client table the families of attacks each client falls for", () => {
    expect(html).toMatch(/<tr><td>curl<\/td>.*<td>hostname<\/td><\/tr>/)
  })

  it('says what became of a connection with no credentials and no alert: its outcome alone', () => {
    const relayed = newConnectionRecord(3, 'terminate', '127.0.0.1:5002')
    relayed.outcome = 'relayed'
    const text = formatHtmlReport({ ...report, results: [{ ...CONTROL_OK, connections: [relayed] }] })
    expect(text).toContain('<h4>What the proxy saw</h4><ul><li>relayed</li></ul>')
  })

  it('marks leaked credentials in the matrix only where they leaked', () => {
    expect(html.match(/<td class="leak">LEAKED<\/td>/g)).toHaveLength(1)
    expect(html.match(/<td class="">no<\/td>/g)).toHaveLength(4)
  })

  it('outlines the catching step in the matrix and escapes titles', () => {
    expect(html.match(/ catch"/g)).toHaveLength(2)
    expect(html.match(/class="s fail catch"/g)).toHaveLength(2)
    expect(html).toContain('<summary><b>Certificate for &lt;another&gt; host</b>')
    expect(html).not.toContain('<another>')
  })
})
