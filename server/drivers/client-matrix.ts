import type { ScenarioResult } from '../lab/scenario-result.js'
import { formatTable } from '../cli/format-table.js'
import { wrapText } from '../cli/wrap-text.js'
import { clientOrder, summarizeClients } from '../report/client-summary.js'
import { findingOf } from '../report/run-report.js'

/**
 * Per client: how often it fell for an attack, refused a control, or said
 * something no table row knows. The full card (not exercised, grade, families)
 * is server/report/client-summary.ts.
 */
export interface ClientCounts {
  clientId: string
  attacks: number
  /** False accepts: the client accepted an attack a check can catch (it is vulnerable to it). */
  acceptedAttacks: number
  controls: number
  /** False rejects: the client refused a connection a correct client accepts. */
  rejectedControls: number
  unmapped: number
  errors: number
}

/** Clients in first-seen order: the lab's verifier first, then the drivers as they ran. */
export function clientsOf(results: readonly ScenarioResult[]): string[] {
  return clientOrder(results)
}

export function countByClient(results: readonly ScenarioResult[]): ClientCounts[] {
  return summarizeClients(results).map((summary) => ({
    clientId: summary.clientId,
    attacks: summary.attacks,
    acceptedAttacks: summary.falseAccepts,
    controls: summary.controls,
    rejectedControls: summary.falseRejects,
    unmapped: summary.unmapped,
    errors: summary.errors,
  }))
}

/**
 * One cell per scenario × client: `reject TRUST` (caught, and by which step
 * the client's own words name), `reject ?` (its error is in no row of its
 * table), `ACCEPT!` for an accepted attack a check catches, `REJECT!` for a
 * refused control, `n/e` for an attack the client never met (not exercised).
 */
export function matrixCell(result: ScenarioResult): string {
  if (result.error !== null) return 'error'
  const finding = findingOf(result)
  if (finding === 'not-exercised') return 'n/e'
  if (result.verdict === 'accept') return finding === 'accepted-attack' ? 'ACCEPT!' : 'accept'
  const step = result.catchingStep ?? '?'
  return finding === 'rejected-control' ? `REJECT! ${step}` : `reject ${step}`
}

/** The short cell of the 100-column matrix: the step alone for a reject, `ok` for an accepted control. */
function narrowCell(result: ScenarioResult): string {
  const cell = matrixCell(result)
  if (cell === 'accept') return result.kind === 'control' ? 'ok' : 'acc'
  return cell.replace(/^reject /, '').replace(/^REJECT! /, 'REJ!')
}

/** Column titles short enough for seven clients in 100 columns. */
export const SHORT_CLIENT_NAMES: Readonly<Record<string, string>> = {
  'lab-verifier': 'lab',
  'node-https': 'node',
  'node-insecure': 'node-k',
  openssl: 'ossl',
  'python-urllib': 'urllib',
  'python-requests': 'reqsts',
  chromium: 'chrom',
  'gnutls-cli': 'gnutls',
  'firefox-esr': 'ffx',
  'nss-tstclnt': 'nss',
}

export interface MatrixOptions {
  /** Full cells and client names, whatever the width. Default: false (fits 100 columns). */
  wide?: boolean
  maxWidth?: number
}

/**
 * The scenario × client matrix. In full (client ids, `reject STEP` cells) when
 * that fits `maxWidth` or with `wide`; otherwise abbreviated deliberately —
 * short client names, the step alone in a cell, long scenario ids on a line of
 * their own — with a legend saying so.
 */
export function formatClientMatrix(results: readonly ScenarioResult[], options: MatrixOptions = {}): string {
  const maxWidth = options.maxWidth ?? 100
  const full = matrixTable(results, true)
  if (options.wide === true || full.split('\n').every((line) => line.length <= maxWidth)) return full
  const legend = wrapText(
    'STEP = rejected there · ? = unmapped error · ok = control accepted · acc = accepted, no check catches it · ' +
      'ACCEPT! = false accept · REJ! = false reject · n/e = not exercised (never met the attack) · --wide for full cells',
    maxWidth,
  )
  return `${matrixTable(results, false, maxWidth)}\n${legend}`
}

function matrixTable(results: readonly ScenarioResult[], isFull: boolean, maxWidth = 100): string {
  const clients = clientsOf(results)
  const scenarioIds = [...new Set(results.map((result) => result.scenarioId))]
  const rows = scenarioIds.map((scenarioId) => {
    const kind = results.find((result) => result.scenarioId === scenarioId)?.kind ?? ''
    return [
      scenarioId,
      isFull ? kind : kind.slice(0, 3),
      ...clients.map((clientId) => {
        const result = results.find(
          (candidate) => candidate.scenarioId === scenarioId && candidate.clientId === clientId,
        )
        return result === undefined ? '-' : isFull ? matrixCell(result) : narrowCell(result)
      }),
    ]
  })
  const header = ['scenario', 'kind', ...clients.map((id) => (isFull ? id : (SHORT_CLIENT_NAMES[id] ?? id)))]
  return formatTable(header, rows, isFull ? {} : { maxWidth, shrink: [0], wrap: [0] })
}

export function formatClientCounts(
  results: readonly ScenarioResult[],
  versions: Readonly<Record<string, string>> = {},
  width = 100,
): string {
  const summaries = summarizeClients(results, versions)
  const rows = summaries.map((summary) => [
    summary.clientId,
    summary.grade.grade ?? '-',
    `${summary.falseAccepts}/${summary.attacks}`,
    `${summary.falseRejects}/${summary.controls}`,
    String(summary.notExercised),
    String(summary.unmapped),
    String(summary.errors),
  ])
  const table = formatTable(['client', 'grade', 'false accepts', 'false rejects', 'not exercised', 'unmapped', 'errors'], rows)
  const reasons = summaries.map((summary) =>
    wrapText(
      `${summary.clientId}: ${summary.grade.grade ?? '-'} — ${summary.grade.reason}` +
        (summary.fallsFor.length > 0 ? `; falls for: ${summary.fallsFor.join(', ')}` : ''),
      width,
      { firstIndent: '  ', indent: '    ' },
    ),
  )
  return `${table}\n${reasons.join('\n')}`
}
