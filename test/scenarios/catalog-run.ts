import type { LabPki } from '../../ca/index.js'
import { compileScenarioFile, type FileScenario } from '../../scenarios/scenario-file/compile-scenario.js'
import { scenarioFileSchema } from '../../scenarios/scenario-file/schema.js'
import { runScenario } from '../../scenarios/runner.js'
import { LabBus } from '../../server/bus/lab-bus.js'
import type { ScenarioResult } from '../../server/lab/scenario-result.js'

/** The outcome a catalog test pins for one scenario, independently of what its file says. */
export interface PinnedOutcome {
  verdict: 'accept' | 'reject'
  step: string | null
  code: string | null
  leaked: boolean
}

export function runCatalogScenario(pki: LabPki, scenario: FileScenario, ordinal = 0): Promise<ScenarioResult> {
  return runScenario({ pki, bus: new LabBus(), store: null }, scenario, { runId: 'catalog-test', ordinal })
}

export function outcomeOf(result: ScenarioResult): PinnedOutcome {
  return { verdict: result.verdict, step: result.catchingStep, code: result.code, leaked: result.leaked }
}

/**
 * What the runner can stage today, probed live rather than assumed: scenarios
 * that need the victim to ask for another host, or the proxy to load an
 * MD5/SHA-1 chain at OpenSSL security level 0, run only when it can.
 */
export interface RunnerCapabilities {
  honoursScenarioHost: boolean
  loadsWeakHashChains: boolean
}

export async function probeRunner(pki: LabPki): Promise<RunnerCapabilities> {
  const [hostProbe, weakProbe] = compileScenarioFile(
    scenarioFileSchema.parse({
      id: 'runner-probe',
      title: 'probe',
      explanation: 'probe',
      kind: 'attack',
      host: 'www.bank.lab',
      expect: { strict: { verdict: 'accept' }, legacy: { verdict: 'accept' } },
      chain: { certificates: [{ name: 'leaf', issuer: 'trustedIntermediate', signatureHash: 'sha1' }], serve: ['leaf', 'trustedIntermediate'] },
    }),
  )
  if (hostProbe === undefined || weakProbe === undefined) throw new Error('probe did not compile')
  const result = await runCatalogScenario(pki, hostProbe)
  return {
    honoursScenarioHost: result.client?.tls?.servername === 'www.bank.lab',
    loadsWeakHashChains: result.error === null,
  }
}
