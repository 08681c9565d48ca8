import { newConnectionRecord } from '../../../server/proxy/connection-record.js'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'
import { STEP_IDS } from '../../../server/steps/step-ids.js'
import { failStep, passStep } from '../../../server/steps/step-result.js'

/** A complete, plausible result row: an attack caught at HOST, with one proxy connection. */
export function resultFixture(runId: string, ordinal: number, scenarioId = `scenario-${ordinal}`): ScenarioResult {
  const connection = newConnectionRecord(1, 'terminate', '127.0.0.1:50000')
  connection.sni = 'bank.lab'
  connection.outcome = 'client-rejected'
  connection.clientAlert = 'bad_certificate'
  return {
    runId,
    ordinal,
    scenarioId,
    clientId: 'lab-verifier',
    kind: 'attack',
    expected: { verdict: 'reject', step: 'HOST', code: 'HOSTNAME_MISMATCH' },
    verdict: 'reject',
    catchingStep: 'HOST',
    code: 'HOSTNAME_MISMATCH',
    node: { authorized: false, error: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    leaked: false,
    asExpected: true,
    error: null,
    startedAt: new Date(Date.UTC(2026, 10, 24, 9, 30)).toISOString(),
    durationMs: 123.5,
    steps: STEP_IDS.map((step) =>
      step === 'HOST'
        ? failStep('HOST', 'HOSTNAME_MISMATCH', 'The certificate is for www.other.lab, not bank.lab', { presented: ['www.other.lab'] })
        : passStep(step, `${step} passed`),
    ),
    connections: [connection],
    client: null,
    genuine: { requests: [] },
    mismatches: [],
  }
}
