import { describe, expect, it } from 'vitest'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'
import { gatePolicyFor, gatePolicyOf, gateVerdict } from '../../../server/report/ci-gate.js'

/** Only what the gate reads of a result. */
function result(scenarioId: string, clientId: string, fields: Partial<ScenarioResult>): ScenarioResult {
  return {
    scenarioId,
    clientId,
    kind: 'attack',
    verdict: 'reject',
    expected: { verdict: 'reject', step: 'HOST' },
    asExpected: true,
    error: null,
    ...fields,
  } as ScenarioResult
}

const RESULTS = [
  // The lab's verifier accepts the installed interception CA on purpose (nothing catches it) …
  result('installed-interception-ca', 'lab-verifier', { verdict: 'accept', expected: { verdict: 'accept', step: null } }),
  // … and an unexpected catching step, which only the `unexpected` gate cares about.
  result('client-hello-drop-strong-suites', 'lab-verifier', { expected: { verdict: 'reject', step: 'FIN' }, asExpected: false }),
  result('wrong-host', 'curl', {}),
  result('sslstrip-first-visit', 'curl', { verdict: 'accept', expected: { verdict: 'accept', step: null }, external: { rawError: null, exitCode: 0, isMapped: false, output: '', notExercised: 'went straight to https://' } }),
  result('wrong-host', 'custom', { verdict: 'accept', asExpected: false }),
]

describe('the CI gate', () => {
  it('accepted-attack judges the named clients only, and fails on a false accept', () => {
    const curlOnly = gateVerdict(RESULTS, gatePolicyFor('accepted-attack', ['curl'], false))
    expect({ passed: curlOnly.isPassed, judged: curlOnly.policy.judged, failures: curlOnly.failures.length }).toEqual({ passed: true, judged: ['curl'], failures: 0 })
    const both = gateVerdict(RESULTS, gatePolicyFor('accepted-attack', ['curl', 'custom'], false))
    expect(both.failures.map((r) => `${r.scenarioId}/${r.clientId}`)).toEqual(['wrong-host/custom'])
    expect(both.summary).toBe('gate --fail-on accepted-attack judging curl, custom: FAILED, 1 attack(s) accepted that a check catches: wrong-host (custom)')
  })

  it('judges the lab verifier when --clients names lab, or when no other client ran; its on-purpose accept never fails', () => {
    expect(gatePolicyFor('accepted-attack', ['curl'], true).judged).toEqual(['lab-verifier', 'curl'])
    expect(gatePolicyFor('accepted-attack', [], false).judged).toEqual(['lab-verifier'])
    expect(gateVerdict(RESULTS, gatePolicyFor('accepted-attack', [], false)).isPassed).toBe(true)
  })

  it('unexpected judges every client; never always passes; a run without a stored gate reads as unexpected', () => {
    expect(gateVerdict(RESULTS, gatePolicyFor('unexpected', ['curl'], false)).failures.map((r) => r.clientId)).toEqual(['lab-verifier', 'custom'])
    expect(gateVerdict(RESULTS, gatePolicyFor('never', ['custom'], false))).toMatchObject({ isPassed: true })
    expect(gatePolicyOf({})).toEqual({ failOn: 'unexpected', judged: 'all' })
    expect(gatePolicyOf({ gate: { failOn: 'accepted-attack', judged: ['curl'] } })).toEqual({ failOn: 'accepted-attack', judged: ['curl'] })
  })
})
