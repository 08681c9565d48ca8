import type { VisitorRow } from '../../../server/open/visitor-store.js'

/** A visitor of the open lab as GET /api/visitors returns it: the server's own row type, never a copy. */
export type VisitorDto = VisitorRow

/** The client id a visitor's results carry in its runs (server/open/selftest-visits.ts). */
export function visitorClientId(visitor: Pick<VisitorDto, 'id'>): string {
  return `visitor-${visitor.id}`
}

/**
 * A short name for a User-Agent, for the list: the browser and its major
 * version when the string says (Firefox/…, Chrome/… but not Edg/…, Version/… Safari),
 * else the string cut at 40 characters.
 */
export function browserName(userAgent: string | null): string {
  if (userAgent === null || userAgent.trim() === '') return 'unknown client'
  const pick = (pattern: RegExp, name: string): string | null => {
    const match = pattern.exec(userAgent)
    return match === null ? null : `${name} ${match[1] ?? ''}`.trim()
  }
  return (
    pick(/Firefox\/(\d+)/, 'Firefox') ??
    pick(/Edg\/(\d+)/, 'Edge') ??
    pick(/HeadlessChrome\/(\d+)/, 'Chrome (headless)') ??
    pick(/Chrome\/(\d+)/, 'Chrome') ??
    pick(/Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari/, 'Safari') ??
    pick(/^curl\/([\d.]+)/, 'curl') ??
    (userAgent.length > 40 ? `${userAgent.slice(0, 39)}…` : userAgent)
  )
}

/** Newest activity first; a visitor with a finished self-test before one without, at equal times. */
export function sortVisitors(visitors: readonly VisitorDto[]): VisitorDto[] {
  return [...visitors].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen) || b.visits.length - a.visits.length || a.id.localeCompare(b.id))
}

/** The newest finished self-test's run: where the visitor's report card is. */
export function latestReportRun(visitor: VisitorDto): string | null {
  return visitor.visits.find((visit) => visit.finishedAt !== null && visit.runId !== null)?.runId ?? null
}
