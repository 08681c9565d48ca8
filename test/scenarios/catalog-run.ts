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
  const hostResult = await runCatalogScenario(pki, probeScenario('runner-probe-host', { host: 'www.bank.lab' }, {}))
  const weakResult = await runCatalogScenario(pki, probeScenario('runner-probe-weak-hash', {}, { signatureHash: 'sha1' }))
  return {
    honoursScenarioHost: hostResult.client?.tls?.servername === 'www.bank.lab',
    loadsWeakHashChains: weakResult.error === null,
  }
}

function probeScenario(id: string, fields: Record<string, unknown>, leaf: Record<string, unknown>): FileScenario {
  const [scenario] = compileScenarioFile(
    scenarioFileSchema.parse({
      id,
      title: 'probe',
      explanation: 'probe',
      kind: 'attack',
      ...fields,
      expect: { strict: { verdict: 'accept' } },
      chain: { certificates: [{ name: 'leaf', issuer: 'trustedIntermediate', ...leaf }], serve: ['leaf', 'trustedIntermediate'] },
    }),
  )
  if (scenario === undefined) throw new Error('probe did not compile')
  return scenario
}
