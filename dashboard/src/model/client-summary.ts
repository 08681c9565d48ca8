import type { RunDto } from '@contract'
import type { ClientMatrixRow } from './client-matrix.js'
import type { PairVerdict } from './pair-verdict.js'

/**
 * What the server may say about a client of a run (issue 18 adds it to the
 * contract): the page shows each field when present and counts the rest from
 * the results itself.
 */
export interface ServerClientInfo {
  id: string
  version?: string | null
  grade?: string | null
  /** Why the grade is capped (SSL Labs style): "accepts an expired certificate". */
  gradeReason?: string | null
  gradeReasons?: string[] | null
}

export interface ClientSummary {
  clientId: string
  version: string | null
  grade: string | null
  gradeReasons: string[]
  results: number
  /** Attacks the lab expects a careful client to refuse, accepted. */
  falseAccepts: number
  attacks: number
  /** Controls refused. */
  falseRejects: number
  controls: number
  notExercised: number
  errors: number
  /** The scenario tags of the attacks it fell for, most frequent first: the families it falls for. */
  families: { tag: string; count: number }[]
  /** The scenarios it falls for, for the card's list. */
  fellFor: string[]
}

/** Tags that name no family (a scenario's kind or its teaching role). */
const NOT_A_FAMILY = new Set(['attack', 'control', 'weakness', 'classic'])

export function summarizeClients(rows: readonly ClientMatrixRow[], clientIds: readonly string[], run: RunDto): ClientSummary[] {
  const infos = serverClientInfos(run)
  return clientIds.map((clientId) => {
    const cells = rows.flatMap((row) => row.cells.filter((cell) => cell.clientId === clientId).map((cell) => ({ scenario: row.scenario, cell })))
    const count = (verdict: PairVerdict): number => cells.filter(({ cell }) => cell.verdict === verdict).length
    const fell = cells.filter(({ cell }) => cell.verdict === 'accepted-attack')
    const familyCounts = new Map<string, number>()
    for (const { scenario } of fell) for (const tag of scenario.tags) if (!NOT_A_FAMILY.has(tag)) familyCounts.set(tag, (familyCounts.get(tag) ?? 0) + 1)
    const info = infos.get(clientId)
    const judged = cells.filter(({ cell }) => cell.result !== null && cell.verdict !== 'not-exercised' && cell.verdict !== 'error')
    return {
      clientId,
      version: info?.version ?? null,
      grade: info?.grade ?? null,
      gradeReasons: info?.gradeReasons ?? (info?.gradeReason ? [info.gradeReason] : []),
      results: cells.filter(({ cell }) => cell.result !== null).length,
      falseAccepts: fell.length,
      attacks: judged.filter(({ scenario }) => scenario.kind === 'attack').length,
      falseRejects: count('refused-control'),
      controls: judged.filter(({ scenario }) => scenario.kind === 'control').length,
      notExercised: count('not-exercised'),
      errors: count('error'),
      families: [...familyCounts].map(([tag, n]) => ({ tag, count: n })).sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag)),
      fellFor: fell.map(({ scenario }) => scenario.id),
    }
  })
}

/** A run-level client list on the run row, when the server sends one. */
function serverClientInfos(run: RunDto): Map<string, ServerClientInfo> {
  const listed = (run as RunDto & { clients?: unknown }).clients
  const infos = new Map<string, ServerClientInfo>()
  if (!Array.isArray(listed)) return infos
  for (const entry of listed) {
    if (typeof entry === 'object' && entry !== null && typeof (entry as { id?: unknown }).id === 'string') infos.set((entry as ServerClientInfo).id, entry as ServerClientInfo)
  }
  return infos
}
