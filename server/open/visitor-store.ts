import { createHash } from 'node:crypto'
import type { LabStore } from '../store/lab-store.js'

/** A client that came to the open lab by itself. */
export interface VisitorRow {
  id: string
  firstSeen: string
  lastSeen: string
  address: string
  ja4: string | null
  ja3: string | null
  userAgent: string | null
  connectionCount: number
  /** Its self-test visits, newest first: the run holding each report card. */
  visits: { token: string; runId: string | null; scheme: 'https' | 'http'; startedAt: string; finishedAt: string | null }[]
}

/**
 * A visitor's id: the source address and the ClientHello fingerprint (JA4),
 * hashed. Two browsers behind one address differ by fingerprint; one browser
 * keeps its id across its connections (its hello is the same for every lab name).
 */
export function visitorId(address: string, ja4: string | null): string {
  return createHash('sha256').update(`${address}\n${ja4 ?? 'no-tls'}`).digest('hex').slice(0, 12)
}

/** The open_visitors / open_visits tables (migration 007), over the lab's store. */
export class VisitorStore {
  constructor(private readonly store: LabStore) {}

  /** Counts one connection for its visitor, creating the visitor on first sight. */
  recordConnection(visitor: { address: string; ja4: string | null; ja3: string | null; userAgent: string | null }, at = new Date().toISOString()): string {
    const id = visitorId(visitor.address, visitor.ja4)
    this.store.db
      .prepare(
        `INSERT INTO open_visitors (id, first_seen, last_seen, address, ja4, ja3, user_agent, connection_count)
         VALUES (@id, @at, @at, @address, @ja4, @ja3, @userAgent, 1)
         ON CONFLICT (id) DO UPDATE SET last_seen = @at, connection_count = connection_count + 1,
           user_agent = COALESCE(@userAgent, user_agent)`,
      )
      .run({ id, at, address: visitor.address, ja4: visitor.ja4, ja3: visitor.ja3, userAgent: visitor.userAgent })
    return id
  }

  startVisit(visit: { token: string; visitorId: string; scheme: 'https' | 'http'; userAgent: string | null }): void {
    this.store.db
      .prepare('INSERT INTO open_visits (token, visitor_id, scheme, user_agent, started_at) VALUES (?, ?, ?, ?, ?)')
      .run(visit.token, visit.visitorId, visit.scheme, visit.userAgent, new Date().toISOString())
    this.store.db.prepare('UPDATE open_visitors SET user_agent = COALESCE(?, user_agent) WHERE id = ?').run(visit.userAgent, visit.visitorId)
  }

  finishVisit(token: string, runId: string): void {
    this.store.db.prepare('UPDATE open_visits SET run_id = ?, finished_at = ? WHERE token = ?').run(runId, new Date().toISOString(), token)
  }

  /** Newest first. */
  listVisitors(limit = 200): VisitorRow[] {
    const rows = this.store.db
      .prepare('SELECT * FROM open_visitors ORDER BY last_seen DESC LIMIT ?')
      .all(limit) as { id: string; first_seen: string; last_seen: string; address: string; ja4: string | null; ja3: string | null; user_agent: string | null; connection_count: number }[]
    const visits = this.store.db.prepare('SELECT * FROM open_visits WHERE visitor_id = ? ORDER BY started_at DESC')
    return rows.map((row) => ({
      id: row.id,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      address: row.address,
      ja4: row.ja4,
      ja3: row.ja3,
      userAgent: row.user_agent,
      connectionCount: row.connection_count,
      visits: (visits.all(row.id) as { token: string; run_id: string | null; scheme: 'https' | 'http'; started_at: string; finished_at: string | null }[]).map((visit) => ({
        token: visit.token,
        runId: visit.run_id,
        scheme: visit.scheme,
        startedAt: visit.started_at,
        finishedAt: visit.finished_at,
      })),
    }))
  }
}
