import type { ScenarioResult } from '../lab/scenario-result.js'
import { formatTable } from '../cli/format-table.js'
import { findingOf } from '../report/run-report.js'

/** Per client: how often it fell for an attack, refused a control, or said something no table row knows. */
export interface ClientCounts {
  clientId: string
  attacks: number
  /** False accepts: the client accepted an attack (it is vulnerable to it, or no check can catch it). */
  acceptedAttacks: number
  controls: number
  /** False rejects: the client refused a connection a correct client accepts. */
  rejectedControls: number
  unmapped: number
  errors: number
}

/** Clients in first-seen order: the lab's verifier first, then the drivers as they ran. */
export function clientsOf(results: readonly ScenarioResult[]): string[] {
  return [...new Set(results.map((result) => result.clientId))]
}

export function countByClient(results: readonly ScenarioResult[]): ClientCounts[] {
  return clientsOf(results).map((clientId) => {
    const own = results.filter((result) => result.clientId === clientId)
    return {
      clientId,
      attacks: own.filter((result) => result.kind === 'attack').length,
      acceptedAttacks: own.filter((result) => findingOf(result) === 'accepted-attack').length,
      controls: own.filter((result) => result.kind === 'control').length,
      rejectedControls: own.filter((result) => findingOf(result) === 'rejected-control').length,
      unmapped: own.filter(
        (result) =>
          result.verdict === 'reject' &&
          result.external !== undefined &&
          !result.external.isMapped &&
          result.error === null,
      ).length,
      errors: own.filter((result) => result.error !== null).length,
    }
  })
}

/**
 * One cell per scenario × client: `reject TRUST` (caught, and by which step
 * the client's own words name), `reject ?` (its error is in no row of its
 * table), `ACCEPT!` for an accepted attack, `REJECT!` for a refused control.
 */
export function matrixCell(result: ScenarioResult): string {
  if (result.error !== null) return 'error'
  const finding = findingOf(result)
  if (result.verdict === 'accept') return finding === 'accepted-attack' ? 'ACCEPT!' : 'accept'
  const step = result.catchingStep ?? '?'
  return finding === 'rejected-control' ? `REJECT! ${step}` : `reject ${step}`
}

export function formatClientMatrix(results: readonly ScenarioResult[]): string {
  const clients = clientsOf(results)
  const scenarioIds = [...new Set(results.map((result) => result.scenarioId))]
  const rows = scenarioIds.map((scenarioId) => {
    const kind = results.find((result) => result.scenarioId === scenarioId)?.kind ?? ''
    return [
      scenarioId,
      kind,
      ...clients.map((clientId) => {
        const result = results.find(
          (candidate) => candidate.scenarioId === scenarioId && candidate.clientId === clientId,
        )
        return result === undefined ? '-' : matrixCell(result)
      }),
    ]
  })
  return formatTable(['scenario', 'kind', ...clients], rows)
}

export function formatClientCounts(results: readonly ScenarioResult[]): string {
  const rows = countByClient(results).map((counts) => [
    counts.clientId,
    `${counts.acceptedAttacks}/${counts.attacks}`,
    `${counts.rejectedControls}/${counts.controls}`,
    String(counts.unmapped),
    String(counts.errors),
  ])
  return formatTable(
    [
      'client',
      'accepted attacks (false accepts)',
      'rejected controls (false rejects)',
      'unmapped errors',
      'errors',
    ],
    rows,
  )
}
