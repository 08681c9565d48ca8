import { beforeAll, describe, expect, it } from 'vitest'
import type { ClientDriver } from '../../../server/drivers/client-driver.js'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'
import type { StepId } from '../../../server/steps/step-ids.js'
import { probeClient } from '../../support/installed-client.js'
import { testPki } from '../../support/lab-pki.js'
import { cellOf, resultOf, runWithClients } from './run-with-clients.js'

export interface EndToEndCase {
  driver: ClientDriver
  /** Controls the client must accept (an HTTP status came back through it). */
  controls: readonly string[]
  /** Attacks it must refuse, each with the step its own words name through its table. */
  attacks: Readonly<Record<string, StepId>>
  /** Raw errors as the client words them, scenario → pattern (its own words kept verbatim). */
  rawErrors?: Readonly<Record<string, RegExp>>
}

/**
 * One real client against real staged scenarios (the same servers, proxy and
 * tunnel the lab's own victim meets): the controls accepted, each attack
 * rejected with a mapped step.
 */
export function describeDriverEndToEnd(testCase: EndToEndCase): void {
  const { driver } = testCase
  const scenarioIds = [...testCase.controls, ...Object.keys(testCase.attacks)]
  // Whether the program is here is probed with the program itself, never with the driver under test (issue 22).
  const probe = probeClient(driver.id)
  describe.skipIf(!probe.isInstalled)(
    `${driver.id} end to end${probe.isInstalled ? '' : ` (skipped: ${probe.reason})`}`,
    () => {
      let results: ScenarioResult[] = []
      beforeAll(async () => {
        results = await runWithClients(testPki(), scenarioIds, [driver])
      }, 180_000)

      // A driver that wrongly reports "not installed" would drop its column from every run: it must agree with the probe.
      it(`${driver.id}'s availability() agrees that it is installed`, async () => {
        expect(await driver.availability()).toMatchObject({ isAvailable: true })
      }, 180_000)

      if (testCase.controls.length > 0) {
        it.each(testCase.controls)(`${driver.id} accepts the control %s and gets an HTTP status`, (scenarioId) => {
          const result = resultOf(results, scenarioId, driver.id)
          expect(cellOf(result)).toEqual({ verdict: 'accept', step: null, isMapped: false, error: null })
          expect(result.external?.output).toMatch(/^HTTP \d{3}/)
        })
      }

      it(`${driver.id} rejects each attack with the step its own words name`, () => {
        const cells = Object.fromEntries(
          Object.keys(testCase.attacks).map((scenarioId) => [scenarioId, cellOf(resultOf(results, scenarioId, driver.id))]),
        )
        const expected = Object.fromEntries(
          Object.entries(testCase.attacks).map(([scenarioId, step]) => [
            scenarioId,
            { verdict: 'reject', step, isMapped: true, error: null },
          ]),
        )
        expect(cells).toEqual(expected)
      })

      it.runIf(testCase.rawErrors !== undefined)(`${driver.id} keeps its raw errors verbatim`, () => {
        for (const [scenarioId, pattern] of Object.entries(testCase.rawErrors ?? {})) {
          expect(resultOf(results, scenarioId, driver.id).external?.rawError).toMatch(pattern)
        }
      })
    },
  )
}
