import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { VisitorStore, visitorId } from '../../../server/open/visitor-store.js'
import { removeSharedPki, startDashboardFixture, type DashboardFixture } from '../api/support/with-dashboard-server.js'

let lab: DashboardFixture
beforeEach(async () => {
  lab = await startDashboardFixture({ token: 'visitor-list-token-0123' })
})
afterEach(async () => {
  await lab.close()
})
afterAll(() => removeSharedPki())

async function getVisitors(token: string | null): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${lab.base}/api/visitors`, { headers: token === null ? {} : { 'x-mitmlab-token': token } })
  return { status: response.status, body: await response.json() }
}

describe('the dashboard’s visitor list (GET /api/visitors)', () => {
  it('lists each visitor once per address and fingerprint, with its connections and self-tests, newest first', async () => {
    const visitors = new VisitorStore(lab.store)
    const firefox = { address: '192.0.2.10', ja4: 't13d1715h2_5b57614c22b0_3cbfd9057e0d', ja3: 'a', userAgent: null }
    const phone = { address: '192.0.2.11', ja4: 't13d1516h2_8daaf6152771_e5627efa2ab1', ja3: 'b', userAgent: 'Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36' }
    visitors.recordConnection(firefox, '2026-12-05T10:00:00.000Z')
    visitors.recordConnection(firefox, '2026-12-05T10:00:01.000Z')
    visitors.recordConnection(phone, '2026-12-05T11:00:00.000Z')
    lab.store.createRun({ id: '20261205T100002Z-aaaaaa', trigger: 'open-lab', options: {}, scenarioCount: 1 })
    visitors.startVisit({ token: 'a'.repeat(24), visitorId: visitorId(firefox.address, firefox.ja4), scheme: 'https', userAgent: 'Mozilla/5.0 Firefox/140.0' })
    visitors.finishVisit('a'.repeat(24), '20261205T100002Z-aaaaaa')

    const reply = await getVisitors('visitor-list-token-0123')
    expect(reply.status).toBe(200)
    const list = (reply.body as { visitors: { id: string; address: string; connectionCount: number; userAgent: string | null; visits: { runId: string | null }[] }[] }).visitors
    expect(list.map((v) => [v.address, v.connectionCount, v.userAgent, v.visits.map((visit) => visit.runId)])).toEqual([
      ['192.0.2.11', 1, phone.userAgent, []],
      ['192.0.2.10', 2, 'Mozilla/5.0 Firefox/140.0', ['20261205T100002Z-aaaaaa']],
    ])
    expect(list[1]?.id).toBe(visitorId('192.0.2.10', firefox.ja4))
  })

  it('is behind the dashboard’s token', async () => {
    expect((await getVisitors(null)).status).toBe(401)
  })
})
