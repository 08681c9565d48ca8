import { get as httpGet } from 'node:http'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LabDelta, LabInfoDto, RunDetailDto, SnapshotDto } from '../../../server/api/contract.js'
import { findScenario } from '../../../scenarios/index.js'
import { runScenarios } from '../../../scenarios/runner.js'
import { startDashboardServer } from '../../../server/api/dashboard-server.js'
import { LabBus } from '../../../server/bus/lab-bus.js'
import { LabStore } from '../../../server/store/lab-store.js'
import { LabError } from '../../../server/errors.js'
import { call, connectSocket, removeSharedPki, startDashboardFixture, waitForConnect, waitForDelta, type DashboardFixture, type LabSocket } from './support/with-dashboard-server.js'

let lab: DashboardFixture
let socket: LabSocket | null = null
beforeEach(async () => {
  lab = await startDashboardFixture()
})
afterEach(async () => {
  socket?.close()
  socket = null
  await lab.close()
})
afterAll(() => removeSharedPki())

async function connected(): Promise<{ socket: LabSocket; deltas: LabDelta[] }> {
  const client = connectSocket(lab.base)
  socket = client.socket
  expect(await waitForConnect(client.socket)).toEqual({ ok: true })
  return client
}

describe('dashboard server: socket.io', () => {
  it('answers lab:snapshot with the catalog, the genuine chain and the stored runs', async () => {
    const { socket } = await connected()
    const reply = await call<SnapshotDto>((ack) => socket.emit('lab:snapshot', ack))
    if (!reply.ok) throw new Error(reply.message)
    expect(reply.value.lab.catalog.map((s) => s.id)).toContain('wrong-host')
    expect(reply.value.lab.genuineChain[0]?.subject).toContain('bank.lab')
    expect(reply.value.lab.canRun).toBe(true)
    expect(reply.value.runs).toEqual([])
    expect(reply.value.openRun).toBeNull()
  })

  it('starts a run, pushes its steps and result in order, and records it in the store', async () => {
    const { socket, deltas } = await connected()
    const started = await call<{ runId: string }>((ack) => socket.emit('run:start', { scenarioIds: ['wrong-host'] }, ack))
    if (!started.ok) throw new Error(started.message)
    const { runId } = started.value
    await waitForDelta(deltas, (d) => d.type === 'run:finished' && d.run.id === runId)
    const types = deltas.map((d) => d.type)
    expect(types[0]).toBe('run:started')
    expect(types.indexOf('step:result')).toBeLessThan(types.indexOf('scenario:finished'))
    expect(types.at(-1)).toBe('run:finished')
    const host = deltas.find((d) => d.type === 'step:result' && d.step.step === 'HOST')
    expect(host?.type === 'step:result' && host.step.code).toBe('HOSTNAME_MISMATCH')
    const finished = deltas.find((d) => d.type === 'scenario:finished')
    expect(finished?.type === 'scenario:finished' && finished.result.catchingStep).toBe('HOST')
    expect(lab.store.getRun(runId)?.status).toBe('passed')
    expect(lab.store.getResults(runId).map((r) => r.catchingStep)).toEqual(['HOST'])
  })

  it('refuses a second run while one is in progress, and cancels the first', async () => {
    const { socket, deltas } = await connected()
    const first = await call<{ runId: string }>((ack) => socket.emit('run:start', { scenarioIds: ['direct-connection', 'wrong-host', 'expired-leaf'] }, ack))
    if (!first.ok) throw new Error(first.message)
    const second = await call((ack) => socket.emit('run:start', {}, ack))
    expect(second).toMatchObject({ ok: false, code: 'RUN_IN_PROGRESS' })
    expect(await call((ack) => socket.emit('run:cancel', { runId: first.value.runId }, ack))).toEqual({ ok: true, value: { runId: first.value.runId } })
    const finished = await waitForDelta(deltas, (d) => d.type === 'run:finished')
    expect(finished.type === 'run:finished' && finished.run.status).toBe('cancelled')
    expect(lab.store.getResults(first.value.runId).length).toBeLessThan(3)
    expect(await call((ack) => socket.emit('run:cancel', { runId: first.value.runId }, ack))).toMatchObject({ ok: false, code: 'NO_RUN_IN_PROGRESS' })
  })

  it.each([
    ['a malformed scenario id', { scenarioIds: ['Not An Id'] }],
    ['an unknown key', { scenarioIds: ['wrong-host'], extra: true }],
    ['an empty scenario list', { scenarioIds: [] }],
    ['a string instead of an object', 'wrong-host'],
  ])('answers INVALID_INPUT to run:start with %s', async (_label, payload) => {
    const { socket } = await connected()
    const emitUnchecked = socket.emit.bind(socket) as unknown as (event: string, payload: unknown, ack: (reply: unknown) => void) => void
    const reply = await call((ack) => emitUnchecked('run:start', payload, ack as (reply: unknown) => void))
    expect(reply).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(lab.store.listRuns()).toEqual([])
  })

  it('answers NOT_FOUND for a scenario that does not exist and for an unknown run', async () => {
    const { socket } = await connected()
    expect(await call((ack) => socket.emit('run:start', { scenarioIds: ['no-such-scenario'] }, ack))).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await call((ack) => socket.emit('run:get', { runId: '20990101T000000Z-000000' }, ack))).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  })

  it('refuses a socket from another origin before it connects', async () => {
    const client = connectSocket(lab.base, { origin: 'http://evil.example' })
    socket = client.socket
    expect(await waitForConnect(client.socket)).toMatchObject({ ok: false })
  })

  it('accepts a socket from its own origin', async () => {
    const client = connectSocket(lab.base, { origin: lab.base })
    socket = client.socket
    expect(await waitForConnect(client.socket)).toEqual({ ok: true })
  })
})

describe('dashboard server: runs recorded by another process', () => {
  it('pushes the run, its results and its end as they land in the shared store', async () => {
    const { socket, deltas } = await connected()
    await call((ack) => socket.emit('lab:snapshot', ack))
    const otherProcessStore = new LabStore(lab.store.file)
    try {
      const wrongHost = findScenario('wrong-host')
      if (wrongHost === undefined) throw new Error('no wrong-host scenario')
      const { run } = await runScenarios({ pki: lab.pki, bus: new LabBus(), store: otherProcessStore }, { scenarios: [wrongHost], trigger: 'cli', options: { scenarios: ['wrong-host'] } })
      const finished = await waitForDelta(deltas, (d) => d.type === 'run:finished' && d.run.id === run.id, 10_000)
      expect(finished.type === 'run:finished' && finished.run.status).toBe('passed')
      const ofRun = deltas.filter((d) => (d.type === 'run:started' || d.type === 'run:finished' ? d.run.id : d.type === 'scenario:finished' ? d.result.runId : null) === run.id)
      expect(ofRun.map((d) => d.type)).toEqual(['run:started', 'scenario:finished', 'run:finished'])
      const result = ofRun[1]
      expect(result?.type === 'scenario:finished' && result.result.catchingStep).toBe('HOST')
    } finally {
      otherProcessStore.close()
    }
  })
})

describe('dashboard server: REST', () => {
  it('serves a stored run with the same DTO as the socket', async () => {
    const { socket, deltas } = await connected()
    const started = await call<{ runId: string }>((ack) => socket.emit('run:start', { scenarioIds: ['self-signed-leaf'] }, ack))
    if (!started.ok) throw new Error(started.message)
    await waitForDelta(deltas, (d) => d.type === 'run:finished')
    const rest = (await (await fetch(`${lab.base}/api/runs/${started.value.runId}`)).json()) as RunDetailDto
    const viaSocket = await call<RunDetailDto>((ack) => socket.emit('run:get', { runId: started.value.runId }, ack))
    expect(viaSocket).toEqual({ ok: true, value: rest })
    expect(rest.results[0]?.catchingStep).toBe('TRUST')
    expect(JSON.stringify(rest)).not.toContain('PRIVATE KEY')
  })

  it('lists runs and describes the lab', async () => {
    const lab_ = (await (await fetch(`${lab.base}/api/lab`)).json()) as LabInfoDto
    expect(lab_.catalog.length).toBeGreaterThan(5)
    expect(await (await fetch(`${lab.base}/api/runs?limit=5`)).json()).toEqual([])
  })

  it.each([
    ['/api/runs?limit=0', 400],
    ['/api/runs?limit=abc', 400],
    ['/api/runs?unknown=1', 400],
    ['/api/runs/..%2F..%2Fetc', 400],
    ['/api/runs/20990101T000000Z-000000', 404],
    ['/api/nothing', 404],
  ])('answers %s with HTTP %i', async (path, status) => {
    expect((await fetch(`${lab.base}${path}`)).status).toBe(status)
  })

  it('refuses a request naming another host (DNS rebinding) with 403', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpGet(`${lab.base}/api/runs`, { headers: { host: `evil.example:${lab.server.port}` } }, (response) => {
        response.resume()
        resolve(response.statusCode)
      })
      request.on('error', reject)
    })
    expect(status).toBe(403)
    expect((await fetch(`http://localhost:${lab.server.port}/api/runs`)).status).toBe(200)
  })

  it('refuses a request from another origin with 403', async () => {
    const response = await fetch(`${lab.base}/api/runs`, { headers: { origin: 'http://evil.example' } })
    expect(response.status).toBe(403)
  })
})

describe('dashboard server: access token', () => {
  const token = 'correct-horse-battery-staple'

  it('requires the token on REST and socket.io when one is set', async () => {
    const guarded = await startDashboardFixture({ token })
    try {
      expect((await fetch(`${guarded.base}/api/runs`)).status).toBe(401)
      expect((await fetch(`${guarded.base}/api/runs`, { headers: { 'x-mitmlab-token': 'wrong-token-wrong-token' } })).status).toBe(401)
      expect((await fetch(`${guarded.base}/api/runs`, { headers: { 'x-mitmlab-token': token } })).status).toBe(200)
      const anonymous = connectSocket(guarded.base)
      expect(await waitForConnect(anonymous.socket)).toEqual({ ok: false, message: 'UNAUTHORIZED: missing or wrong token' })
      anonymous.socket.close()
      const allowed = connectSocket(guarded.base, { token })
      expect(await waitForConnect(allowed.socket)).toEqual({ ok: true })
      allowed.socket.close()
      expect(guarded.server.url).toBe(`${guarded.base}/?token=${token}`)
    } finally {
      await guarded.close()
    }
  })

  it('refuses to bind beyond loopback without a token', async () => {
    await expect(startDashboardServer({ store: lab.store, bus: lab.bus, pki: lab.pki, host: '0.0.0.0', port: 0 })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    })
    await expect(startDashboardServer({ store: lab.store, bus: lab.bus, pki: lab.pki, host: '0.0.0.0', port: 0, token: 'short' })).rejects.toBeInstanceOf(LabError)
  })
})
