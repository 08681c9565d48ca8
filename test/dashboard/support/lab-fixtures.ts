import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadOrCreateLabPki } from '../../../ca/index.js'
import { findScenario, scenarios } from '../../../scenarios/index.js'
import { runScenarios } from '../../../scenarios/runner.js'
import type { CertSummary, ResultDto, RunDetailDto, ScenarioDto } from '../../../server/api/contract.js'
import { toCertDto, toResultDto, toRunDto, toScenarioDto } from '../../../server/api/dto.js'
import { LabBus } from '../../../server/bus/lab-bus.js'

export interface RealRun {
  detail: RunDetailDto
  results: Map<string, ResultDto>
  catalog: ScenarioDto[]
  genuineChain: CertSummary[]
}

/**
 * Really runs the given scenarios (genuine server, forging proxy, verifying
 * client on 127.0.0.1, lab PKI in a temp dir) and returns what the dashboard
 * would receive: component tests render real results, not hand-made ones.
 */
export async function runRealScenarios(ids: readonly string[]): Promise<RealRun> {
  const dir = mkdtempSync(join(tmpdir(), 'mitmlab-dash-'))
  try {
    const pki = loadOrCreateLabPki(dir)
    const selected = ids.map((id) => {
      const scenario = findScenario(id)
      if (scenario === undefined) throw new Error(`no scenario ${id}`)
      return scenario
    })
    const { run, results } = await runScenarios({ pki, bus: new LabBus(), store: null }, { scenarios: selected, trigger: 'test', options: { scenarios: [...ids] } })
    const dtos = results.map(toResultDto)
    return {
      detail: { run: toRunDto(run), results: dtos, liveSteps: [] },
      results: new Map(dtos.map((result) => [result.scenarioId, result])),
      catalog: scenarios.map(toScenarioDto),
      genuineChain: [pki.genuineLeaf.der, pki.trustedIntermediate.der].map(toCertDto).filter((c): c is CertSummary => c !== null),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function resultOf(run: RealRun, scenarioId: string): ResultDto {
  const result = run.results.get(scenarioId)
  if (result === undefined) throw new Error(`no result for ${scenarioId}`)
  return result
}
