import { TOKEN_HEADER } from '@contract'
import type { StoredGradeSummary } from '../../../server/grade-proxy/proxy-grade-store.js'
import { PROXY_GRADE_PATHS } from '../../../server/grade-proxy/proxy-grade-paths.js'
import type { DefectResult, GradeCheck, ProxyReportCard } from '../../../server/grade-proxy/report-card.js'

export type { DefectResult, GradeCheck, ProxyReportCard, StoredGradeSummary }

/** The narrow part of `fetch` used here, so a spec can pass a Node transport to a real server. */
export type GradeTransport = (url: string, init: { headers: Record<string, string> }) => Promise<{ status: number; json(): Promise<unknown> }>

/** Every call answers with a value: a refusal carries the server's sentence. */
export type GradeReply<T> = { ok: true; value: T } | { ok: false; message: string }

export interface ProxyGradeApi {
  list(): Promise<GradeReply<StoredGradeSummary[]>>
  card(id: string): Promise<GradeReply<ProxyReportCard>>
}

/** The report-card endpoints of the server that served this page (server/grade-proxy/proxy-grade-routes.ts). */
export function createProxyGradeApi(params: { token: string | null; baseUrl?: string; transport?: GradeTransport }): ProxyGradeApi {
  const transport: GradeTransport = params.transport ?? ((url, init) => window.fetch(url, init))
  const headers: Record<string, string> = params.token === null ? {} : { [TOKEN_HEADER]: params.token }
  const call = async <T>(path: string): Promise<GradeReply<T>> => {
    try {
      const response = await transport(`${params.baseUrl ?? ''}${path}`, { headers })
      const json = await response.json()
      if (response.status === 200) return { ok: true, value: json as T }
      const message = (json as { message?: unknown }).message
      return { ok: false, message: typeof message === 'string' ? message : `HTTP ${response.status}` }
    } catch (error) {
      return { ok: false, message: `The lab server did not answer: ${(error as Error).message}` }
    }
  }
  return {
    list: () => call<StoredGradeSummary[]>(PROXY_GRADE_PATHS.list),
    card: (id) => call<ProxyReportCard>(`${PROXY_GRADE_PATHS.card}/${encodeURIComponent(id)}`),
  }
}

/** The badge class of a grade (styles.css): A passes, F fails, B and C are in between. */
export function gradeTone(grade: string): 'pass' | 'accepted' | 'fail' {
  if (grade === 'A') return 'pass'
  if (grade === 'F') return 'fail'
  return 'accepted'
}

/** The badge class of a defect verdict: masking is the failure the papers found; passing through leaves the client to decide. */
export function verdictTone(verdict: DefectResult['verdict']): 'pass' | 'accepted' | 'fail' {
  if (verdict === 'masked') return 'fail'
  if (verdict === 'passed-through') return 'accepted'
  return 'pass'
}

/** Checks in the order a reader needs them: those that decided the grade, then other failures, then the rest. */
export function orderChecks(card: ProxyReportCard): GradeCheck[] {
  const rank = (check: GradeCheck): number => (card.decidedBy.includes(check.id) ? 0 : check.result === 'fail' ? 1 : check.result === 'info' ? 2 : 3)
  return [...card.checks].sort((a, b) => rank(a) - rank(b))
}

/** One sentence for the card's header: the grade and what set it. */
export function gradeSentence(card: ProxyReportCard): string {
  const control = card.controlRelayed ? '' : ' The control upstream was not relayed: the product did not work in the lab.'
  if (card.decidedBy.length === 0) return `Grade ${card.grade}: no graded check failed.${control}`
  return `Grade ${card.grade}, set by ${card.decidedBy.join(', ')}.${control}`
}
