import { randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import { z } from 'zod'
import { LabError } from '../errors.js'
import type { ProxyReportCard } from './report-card.js'

/** A stored card as listed: enough for a table of products. */
export interface StoredGradeSummary {
  id: string
  productId: string
  description: string
  gradedAt: string
  grade: string
  controlRelayed: boolean
  decidedBy: string[]
}

const summaryRow = z.object({
  id: z.string(),
  product_id: z.string(),
  description: z.string(),
  graded_at: z.string(),
  grade: z.string(),
  control_relayed: z.number(),
  decided_by_json: z.string(),
})

/** Stores a card and its checks in one transaction (migration 008); returns its id. */
export function saveReportCard(db: Database.Database, card: ProxyReportCard): string {
  const id = randomUUID()
  const insertGrade = db.prepare(
    'INSERT INTO proxy_grades (id, product_id, description, graded_at, grade, control_relayed, decided_by_json, card_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const insertCheck = db.prepare('INSERT INTO proxy_grade_checks (grade_id, ordinal, check_id, result, cap, evidence) VALUES (?, ?, ?, ?, ?, ?)')
  try {
    db.transaction(() => {
      insertGrade.run(id, card.productId, card.description, card.gradedAt, card.grade, card.controlRelayed ? 1 : 0, JSON.stringify(card.decidedBy), JSON.stringify(card))
      card.checks.forEach((check, ordinal) => insertCheck.run(id, ordinal, check.id, check.result, check.cap, check.evidence))
    })()
  } catch (cause) {
    throw new LabError('STORE_FAILED', `Storing the report card of ${card.productId} failed: ${(cause as Error).message}`, { cause })
  }
  return id
}

/** Every stored card, newest first; `latestPerProduct` keeps one per product. */
export function listReportCards(db: Database.Database, options: { latestPerProduct?: boolean } = {}): StoredGradeSummary[] {
  if (!hasGradeTables(db)) return []
  const rows = db
    .prepare('SELECT id, product_id, description, graded_at, grade, control_relayed, decided_by_json FROM proxy_grades ORDER BY graded_at DESC, rowid DESC')
    .all()
    .map((row) => summaryRow.parse(row))
  const seen = new Set<string>()
  return rows
    .filter((row) => {
      if (options.latestPerProduct !== true) return true
      if (seen.has(row.product_id)) return false
      seen.add(row.product_id)
      return true
    })
    .map((row) => ({
      id: row.id,
      productId: row.product_id,
      description: row.description,
      gradedAt: row.graded_at,
      grade: row.grade,
      controlRelayed: row.control_relayed === 1,
      decidedBy: z.array(z.string()).parse(JSON.parse(row.decided_by_json)),
    }))
}

/** One stored card in full, or null. */
export function getReportCard(db: Database.Database, id: string): ProxyReportCard | null {
  if (!hasGradeTables(db)) return null
  const row = db.prepare('SELECT card_json FROM proxy_grades WHERE id = ?').get(id) as { card_json: string } | undefined
  return row === undefined ? null : (JSON.parse(row.card_json) as ProxyReportCard)
}

/** A store opened read-only at an older schema (before migration 008) has no grades: none, not an error. */
function hasGradeTables(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'proxy_grades'").get() !== undefined
}
