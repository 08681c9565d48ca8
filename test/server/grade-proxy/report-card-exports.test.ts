import { XMLParser } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatGradeRunJunit, formatGradeRunMarkdown } from '../../../server/grade-proxy/format-report-card.js'
import { gradeProduct } from '../../../server/grade-proxy/grade-product.js'
import { PROXY_GRADE_PATHS } from '../../../server/grade-proxy/proxy-grade-paths.js'
import { listReportCards, saveReportCard } from '../../../server/grade-proxy/proxy-grade-store.js'
import type { ProxyReportCard } from '../../../server/grade-proxy/report-card.js'
import { removeSharedPki, startDashboardFixture, type DashboardFixture } from '../api/support/with-dashboard-server.js'
import { referenceProxy } from './reference-proxies.js'

// A real grading (the masking reference proxy against the control and an expired upstream), stored in the
// dashboard server's SQLite store (migration 008), read back over the API, and exported as Markdown and JUnit.
let lab: DashboardFixture
let card: ProxyReportCard
beforeAll(async () => {
  lab = await startDashboardFixture()
  card = await gradeProduct({ product: referenceProxy('masking'), defects: ['expired'], pki: lab.pki })
}, 60_000)
afterAll(async () => {
  await lab.close()
  removeSharedPki()
})

describe('report cards: store, API, exports', () => {
  it('stores a card with its checks and serves it over the API, the newest per product in the list', async () => {
    const older = saveReportCard(lab.store.db, { ...card, gradedAt: '2026-01-01T00:00:00.000Z', grade: 'A', decidedBy: [] })
    const id = saveReportCard(lab.store.db, card)
    const checkRows = lab.store.db.prepare('SELECT check_id, result, cap FROM proxy_grade_checks WHERE grade_id = ? ORDER BY ordinal').all(id)
    expect(checkRows).toContainEqual({ check_id: 'defect:expired', result: 'fail', cap: 'F' })
    expect(listReportCards(lab.store.db).map((s) => s.id)).toEqual([id, older])

    const list = (await (await fetch(`${lab.base}${PROXY_GRADE_PATHS.list}`)).json()) as { id: string; grade: string; decidedBy: string[] }[]
    expect(list).toEqual([expect.objectContaining({ id, productId: 'reference-masking', grade: 'F', decidedBy: ['defect:expired', 'hello:broken-suites'], controlRelayed: true })])
    const served = (await (await fetch(`${lab.base}${PROXY_GRADE_PATHS.card}/${id}`)).json()) as ProxyReportCard
    expect(served.defects.find((d) => d.defectId === 'expired')).toMatchObject({ verdict: 'masked', client: { verifier: { verdict: 'accept' } } })
    expect(served.defects.find((d) => d.defectId === 'expired')?.client.chainPem[0]).toMatch(/^-----BEGIN CERTIFICATE-----\n/)

    const missing = await fetch(`${lab.base}${PROXY_GRADE_PATHS.card}/00000000-0000-4000-8000-000000000000`)
    expect(missing.status).toBe(404)
    const malformed = await fetch(`${lab.base}${PROXY_GRADE_PATHS.card}/not-an-id`)
    expect(malformed.status).toBe(400)
  })

  it('exports the card as Markdown with the grade table and as JUnit with one failure per failed check', () => {
    const run = { cards: [card], skipped: [{ productId: 'squid', reason: 'squid is not installed (Debian package squid-openssl)' }] }
    const markdown = formatGradeRunMarkdown(run)
    expect(markdown).toContain('| reference-masking | **F** | defect:expired, hello:broken-suites |')
    expect(markdown).toContain('| squid | skipped | squid is not installed (Debian package squid-openssl) | |')
    expect(markdown).toContain('| expired | masked |')

    const xml = new XMLParser({ ignoreAttributes: false }).parse(formatGradeRunJunit(run)) as { testsuites: { testsuite: { '@_name': string; testcase: { '@_name': string; failure?: { '@_message': string } }[] }[] } }
    const [graded, skipped] = xml.testsuites.testsuite
    expect(graded?.['@_name']).toBe('reference-masking (grade F)')
    const failures = graded?.testcase.filter((c) => c.failure !== undefined).map((c) => c['@_name'].split(':')[0])
    expect(failures).toEqual(card.checks.filter((c) => c.result === 'fail').map((c) => c.id.split(':')[0]))
    expect(graded?.testcase.find((c) => c['@_name'].startsWith('defect:expired'))?.failure?.['@_message']).toBe('caps the grade at F')
    expect(skipped?.['@_name']).toBe('squid')
  })
})
