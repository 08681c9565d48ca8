import { describe, expect, it } from 'vitest'
import type { RunDto } from '../../../server/api/contract.js'
import { clientIdsOf } from '../../../dashboard/src/model/run-view.js'
import { browserName, latestReportRun, sortVisitors, visitorClientId, type VisitorDto } from '../../../dashboard/src/model/visitors.js'

const visitor = (id: string, lastSeen: string, visits: VisitorDto['visits'] = []): VisitorDto => ({
  id,
  firstSeen: lastSeen,
  lastSeen,
  address: '192.0.2.1',
  ja4: null,
  ja3: null,
  userAgent: null,
  connectionCount: 1,
  visits,
})

describe('visitor model', () => {
  it('names browsers from their User-Agent', () => {
    expect(browserName('Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0')).toBe('Firefox 140')
    expect(browserName('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/143.0.0.0 Safari/537.36')).toBe('Chrome (headless) 143')
    expect(browserName('Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0')).toBe('Edge 131')
    expect(browserName('Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1')).toBe('Safari 18')
    expect(browserName('curl/8.14.1')).toBe('curl 8.14.1')
    expect(browserName(null)).toBe('unknown client')
  })

  it('sorts by last activity and finds the newest finished report card', () => {
    const done = { token: 't1', runId: 'run-2', scheme: 'https' as const, startedAt: '2', finishedAt: '3' }
    const open = { token: 't2', runId: 'run-3', scheme: 'https' as const, startedAt: '4', finishedAt: null }
    const list = sortVisitors([visitor('a', '2026-12-05T10:00:00Z'), visitor('b', '2026-12-05T11:00:00Z', [open, done])])
    expect(list.map((v) => v.id)).toEqual(['b', 'a'])
    const [first, second] = list
    if (first === undefined || second === undefined) throw new Error('two visitors expected')
    expect(latestReportRun(first)).toBe('run-2')
    expect(latestReportRun(second)).toBeNull()
    expect(visitorClientId(first)).toBe('visitor-b')
  })
})

describe('a self-test visit in the run view', () => {
  const run = (trigger: string): RunDto => ({
    id: '20261205T100002Z-aaaaaa',
    startedAt: '2026-12-05T10:00:02.000Z',
    finishedAt: null,
    status: 'running',
    trigger,
    options: { clients: ['visitor-0123456789ab'] },
    scenarioCount: 1,
    resultCount: 0,
    caughtCount: 0,
    leakedCount: 0,
    unexpectedCount: 0,
  })

  it('has its visitor as only client (no lab verifier ran); a lab run keeps the verifier first', () => {
    expect(clientIdsOf(run('open-lab'), [])).toEqual(['visitor-0123456789ab'])
    expect(clientIdsOf(run('cli'), [])).toEqual(['lab-verifier', 'visitor-0123456789ab'])
  })
})
