import { expect, it } from 'vitest'
import type { Scenario } from '../../scenarios/define-scenario.js'
import { runScenario } from '../../scenarios/runner.js'
import { LabBus } from '../../server/bus/lab-bus.js'
import type { ScenarioResult } from '../../server/lab/scenario-result.js'
import { testPki } from '../support/lab-pki.js'

/** What a live scenario must produce, exactly. */
export interface LiveExpectation {
  verdict: 'accept' | 'reject'
  step: string | null
  code: string | null
  leaked: boolean
}

/**
 * One test per scenario: run it live on 127.0.0.1 and compare the catching
 * step, code and leak with the table, and with the scenario's own expectation.
 */
export function itPlaysEachScenario(
  scenarios: readonly Scenario[],
  table: Record<string, LiveExpectation>,
  extra?: (scenario: Scenario, result: ScenarioResult) => void,
): void {
  it('has a row for every scenario of the family', () => {
    expect(Object.keys(table).sort()).toEqual(scenarios.map((s) => s.id).sort())
  })
  for (const scenario of scenarios) {
    const expected = table[scenario.id]
    it(`${scenario.id}: ${expected?.step === null ? `accepted${expected.leaked ? ', login leaked' : ''}` : `caught by ${expected?.step} ${expected?.code ?? ''}`}`, async () => {
      const result = await runScenario({ pki: testPki(), bus: new LabBus(), store: null }, scenario, { runId: 'test', ordinal: 0 })
      expect(result.error).toBeNull()
      const code = expected?.code === null || expected?.code === undefined ? null : result.code
      expect({ verdict: result.verdict, step: result.catchingStep, code: expected?.code === null ? null : code, leaked: result.leaked }).toEqual(
        expected === undefined ? undefined : { ...expected, code: expected.code },
      )
      expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
      extra?.(scenario, result)
    })
  }
}
