import { afterAll, afterEach, describe, expect, it } from 'vitest'
import {
  API_PATHS,
  TRAINING_PATHS,
  type Ack,
  type LabErrorEventDto,
  type RunDto,
} from '../../../server/api/contract.js'
import { TokenBuckets } from '../../../server/api/rate-limit.js'
import {
  call,
  connectSocket,
  removeSharedPki,
  startDashboardFixture,
  waitForConnect,
  type DashboardFixture,
  type LabSocket,
} from './support/with-dashboard-server.js'

let lab: DashboardFixture | null = null
let socket: LabSocket | null = null
afterEach(async () => {
  socket?.close()
  socket = null
  await lab?.close()
  lab = null
})
afterAll(() => removeSharedPki())

/** A budget of `burst` calls that refills so slowly a test never sees a refill. */
const tight = (burst: number) => ({ burst, perSecond: 0.001 })

// Issue 17 item 14: an oversized JSON body got 500 instead of 413.
describe('request bodies', () => {
  it('answers a JSON body over the endpoint limit with 413, not 500', async () => {
    lab = await startDashboardFixture()
    const response = await fetch(`${lab.base}${TRAINING_PATHS.answers}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ trainee: 'x'.repeat(10_000) }),
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'The request body is larger than this endpoint accepts',
    })
  })

  it('answers malformed JSON with 400', async () => {
    lab = await startDashboardFixture()
    const response = await fetch(`${lab.base}${TRAINING_PATHS.answers}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"trainee":',
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ code: 'INVALID_INPUT' })
  })
})

// Issue 17 item 14: no rate limit on API calls or socket events.
describe('rate limits', () => {
  it('answers API calls over the per-address budget with 429 and Retry-After', async () => {
    lab = await startDashboardFixture({ rateLimits: { api: tight(3) } })
    const statuses: number[] = []
    let last: Response | null = null
    for (let index = 0; index < 5; index += 1) {
      last = await fetch(`${lab.base}${API_PATHS.runs}`)
      statuses.push(last.status)
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429])
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(await last?.json()).toMatchObject({ code: 'RATE_LIMITED' })
  })

  it('drops socket events over the budget, answering the ack and emitting lab:error', async () => {
    // One token for the connection, two for events.
    lab = await startDashboardFixture({ rateLimits: { socket: tight(3) } })
    const client = connectSocket(lab.base)
    socket = client.socket
    const errors: LabErrorEventDto[] = []
    client.socket.on('lab:error', (error) => errors.push(error))
    expect(await waitForConnect(client.socket)).toEqual({ ok: true })
    const replies: Ack<RunDto[]>[] = []
    for (let index = 0; index < 3; index += 1)
      replies.push(await call<RunDto[]>((ack) => client.socket.emit('runs:list', {}, ack)))
    expect(replies.map((reply) => (reply.ok ? 'ok' : reply.code))).toEqual(['ok', 'ok', 'RATE_LIMITED'])
    await expect.poll(() => errors.length).toBe(1)
    expect(errors[0]).toMatchObject({ code: 'RATE_LIMITED', event: 'runs:list' })
    expect(errors[0]?.retryAfterSeconds).toBeGreaterThanOrEqual(1)
  })

  it('refuses a new socket from an address over its budget', async () => {
    lab = await startDashboardFixture({ rateLimits: { socket: tight(1) } })
    const first = connectSocket(lab.base)
    expect(await waitForConnect(first.socket)).toEqual({ ok: true })
    first.socket.close()
    const second = connectSocket(lab.base)
    socket = second.socket
    const outcome = await waitForConnect(second.socket)
    expect(outcome).toMatchObject({ ok: false, message: expect.stringContaining('RATE_LIMITED') })
  })
})

describe('TokenBuckets', () => {
  it('allows a burst, then one call per refill interval, per client, and says when to retry', () => {
    let now = 0
    const buckets = new TokenBuckets({ burst: 2, perSecond: 4 }, () => now)
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([
      { ok: true },
      { ok: true },
      { ok: false, retryAfterSeconds: 1 },
    ])
    expect(buckets.take('b')).toEqual({ ok: true })
    now = 250
    expect([buckets.take('a'), buckets.take('a')]).toEqual([
      { ok: true },
      { ok: false, retryAfterSeconds: 1 },
    ])
    now = 10_000
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([
      { ok: true },
      { ok: true },
      { ok: false, retryAfterSeconds: 1 },
    ])
  })

  it('says how many whole seconds a slow refill needs', () => {
    const buckets = new TokenBuckets({ burst: 1, perSecond: 0.1 }, () => 0)
    buckets.take('a')
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterSeconds: 10 })
  })

  it('forgets idle clients once it tracks many, so memory stays bounded', () => {
    let now = 0
    const buckets = new TokenBuckets({ burst: 1, perSecond: 1 }, () => now)
    for (let index = 0; index < 10_000; index += 1) buckets.take(`client-${index}`)
    now = 5_000
    buckets.take('late-client')
    expect(buckets.trackedClients).toBe(1)
  })
})
