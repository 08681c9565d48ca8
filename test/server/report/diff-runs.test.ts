import { describe, expect, it } from 'vitest'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'
import { diffRuns, formatDiff } from '../../../server/report/diff-runs.js'
import type { RunReport } from '../../../server/report/run-report.js'
import { escapeXml, stripXmlInvalid } from '../../../server/report/xml-escape.js'

/** Only what diffRuns reads; the rest is filler. */
function result(scenarioId: string, clientId: string, verdict: 'accept' | 'reject', catchingStep: ScenarioResult['catchingStep'], code: string | null, leaked: boolean): ScenarioResult {
  return {
    runId: 'r',
    ordinal: 0,
    scenarioId,
    clientId,
    kind: 'attack',
    expected: { verdict: 'reject', step: 'HOST' },
    verdict,
    catchingStep,
    code,
    node: { authorized: false, error: null },
    leaked,
    asExpected: true,
    error: null,
    startedAt: '2026-11-24T09:30:00.000Z',
    durationMs: 1,
    steps: [],
    connections: [],
    client: null,
    genuine: { requests: [] },
    mismatches: [],
  }
}

function run(results: ScenarioResult[]): RunReport {
  return {
    run: { id: 'r', startedAt: '', finishedAt: null, status: 'passed', trigger: 't', options: {}, scenarioCount: 0, resultCount: 0, caughtCount: 0, leakedCount: 0, unexpectedCount: 0 },
    results,
    scenarios: {},
    genuineChain: [],
    generatedAt: '',
  }
}

describe('diffRuns', () => {
  const before = run([
    result('wrong-host', 'curl', 'reject', 'HOST', 'CLIENT_REJECTED', false),
    result('wrong-host', 'lab-verifier', 'reject', 'HOST', 'HOSTNAME_MISMATCH', false),
    result('expired-leaf', 'lab-verifier', 'reject', 'DATES', 'CERT_EXPIRED', false),
    result('self-signed-leaf', 'lab-verifier', 'reject', 'TRUST', 'SELF_SIGNED_LEAF', false),
    result('installed-ca', 'lab-verifier', 'accept', null, null, false),
    result('gone', 'wget', 'reject', 'TRUST', 'CLIENT_REJECTED', false),
  ])
  const after = run([
    result('wrong-host', 'curl', 'accept', null, null, true),
    result('wrong-host', 'lab-verifier', 'reject', 'HOST', 'HOSTNAME_MISMATCH', false),
    result('expired-leaf', 'lab-verifier', 'reject', 'TRUST', 'CERT_EXPIRED', false),
    result('self-signed-leaf', 'lab-verifier', 'reject', 'TRUST', 'UNKNOWN_ISSUER', false),
    result('installed-ca', 'lab-verifier', 'accept', null, null, true),
    result('new-one', 'curl', 'reject', 'NC', 'CLIENT_REJECTED', false),
  ])

  it('names each pair whose verdict, step, code or leak changed, then the added, then the removed', () => {
    expect(diffRuns(before, after)).toEqual([
      {
        scenarioId: 'wrong-host',
        clientId: 'curl',
        kind: 'changed',
        before: { verdict: 'reject', catchingStep: 'HOST', code: 'CLIENT_REJECTED', leaked: false },
        after: { verdict: 'accept', catchingStep: null, code: null, leaked: true },
      },
      {
        scenarioId: 'expired-leaf',
        clientId: 'lab-verifier',
        kind: 'changed',
        before: { verdict: 'reject', catchingStep: 'DATES', code: 'CERT_EXPIRED', leaked: false },
        after: { verdict: 'reject', catchingStep: 'TRUST', code: 'CERT_EXPIRED', leaked: false },
      },
      {
        scenarioId: 'self-signed-leaf',
        clientId: 'lab-verifier',
        kind: 'changed',
        before: { verdict: 'reject', catchingStep: 'TRUST', code: 'SELF_SIGNED_LEAF', leaked: false },
        after: { verdict: 'reject', catchingStep: 'TRUST', code: 'UNKNOWN_ISSUER', leaked: false },
      },
      {
        scenarioId: 'installed-ca',
        clientId: 'lab-verifier',
        kind: 'changed',
        before: { verdict: 'accept', catchingStep: null, code: null, leaked: false },
        after: { verdict: 'accept', catchingStep: null, code: null, leaked: true },
      },
      { scenarioId: 'new-one', clientId: 'curl', kind: 'added', before: null, after: { verdict: 'reject', catchingStep: 'NC', code: 'CLIENT_REJECTED', leaked: false } },
      { scenarioId: 'gone', clientId: 'wget', kind: 'removed', before: { verdict: 'reject', catchingStep: 'TRUST', code: 'CLIENT_REJECTED', leaked: false }, after: null },
    ])
  })

  it('finds nothing between a run and itself', () => {
    expect(diffRuns(before, before)).toEqual([])
  })

  it('formats one line per change', () => {
    expect(formatDiff(diffRuns(before, after), 'A', 'B')).toBe(
      [
        '6 change(s) from A to B:',
        'changed wrong-host (curl): reject HOST CLIENT_REJECTED → accept (LEAKED)',
        'changed expired-leaf (lab-verifier): reject DATES CERT_EXPIRED → reject TRUST CERT_EXPIRED',
        'changed self-signed-leaf (lab-verifier): reject TRUST SELF_SIGNED_LEAF → reject TRUST UNKNOWN_ISSUER',
        'changed installed-ca (lab-verifier): accept → accept (LEAKED)',
        'added   new-one (curl): (absent) → reject NC CLIENT_REJECTED',
        'removed gone (wget): reject TRUST CLIENT_REJECTED → (absent)',
        '',
      ].join('\n'),
    )
    expect(formatDiff([], 'A', 'B')).toBe('No scenario changed between A and B.\n')
  })
})

describe('xml-escape', () => {
  it('escapes the five XML specials, quotes included', () => {
    expect(escapeXml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&apos;y&apos;&gt;&amp;amp;&lt;/a&gt;')
  })

  it('writes control characters XML 1.0 forbids as visible escapes, and keeps tab, newline and CR', () => {
    expect(stripXmlInvalid('bank.lab\u0000.evil.lab\u0008\u000b\u000c\u001f\ufffe\uffff\t\n\r')).toBe(
      'bank.lab\\u0000.evil.lab\\u0008\\u000b\\u000c\\u001f\\ufffe\\uffff\t\n\r',
    )
  })
})
