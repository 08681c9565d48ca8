import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createReplayClient } from '../../../dashboard/src/composables/client/replay-client.js'
import { buildMatrixRows } from '../../../dashboard/src/model/matrix.js'
import { applyDeltas, runViewFromDetail } from '../../../dashboard/src/model/run-view.js'
import type { LabDelta, RunDetailDto } from '../../../server/api/contract.js'
import { call, connectSocket, removeSharedPki, startDashboardFixture, waitForConnect, waitForDelta, type DashboardFixture } from '../../server/api/support/with-dashboard-server.js'

let lab: DashboardFixture
let runId: string
let liveDeltas: LabDelta[]

beforeAll(async () => {
  lab = await startDashboardFixture()
  const { socket, deltas } = connectSocket(lab.base)
  await waitForConnect(socket)
  const started = await call<{ runId: string }>((ack) => socket.emit('run:start', { scenarioIds: ['direct-connection', 'wrong-host', 'installed-interception-ca'] }, ack))
  if (!started.ok) throw new Error(started.message)
  runId = started.value.runId
  await waitForDelta(deltas, (d) => d.type === 'run:finished')
  liveDeltas = deltas
  socket.close()
}, 60_000)

afterAll(async () => {
  await lab.close()
  removeSharedPki()
})

describe('createReplayClient', () => {
  it('replays a stored run as the deltas a live page received, rendering the same matrix', async () => {
    const client = createReplayClient(runId, { token: null, fetch, baseUrl: lab.base })
    const replayed: LabDelta[] = []
    client.onDeltas((batch) => replayed.push(...batch))
    const snapshot = await client.snapshot()
    // The batch comes after the snapshot (a timer): wait for its last delta, bounded, not a fixed 20 ms.
    await waitForDelta(replayed, (d) => d.type === 'run:finished', 10_000)
    expect(snapshot.lab.canRun).toBe(false)
    expect(snapshot.runs.map((run) => run.id)).toEqual([runId])
    const live = applyDeltas(new Map(), liveDeltas).get(runId)
    const replay = applyDeltas(new Map(), replayed).get(runId)
    if (live === undefined || replay === undefined) throw new Error('missing view')
    expect(buildMatrixRows(snapshot.lab.catalog, replay)).toEqual(buildMatrixRows(snapshot.lab.catalog, live))
    expect(replay.run.status).toBe('passed')
    client.close()
  })

  it('renders a run read over REST the same as the replayed deltas', async () => {
    const client = createReplayClient(runId, { token: null, fetch, baseUrl: lab.base })
    const detail: RunDetailDto = await client.getRun(runId)
    const replayed: LabDelta[] = []
    client.onDeltas((batch) => replayed.push(...batch))
    const snapshot = await client.snapshot()
    // The batch comes after the snapshot (a timer): wait for its last delta, bounded, not a fixed 20 ms.
    await waitForDelta(replayed, (d) => d.type === 'run:finished', 10_000)
    const replay = applyDeltas(new Map(), replayed).get(runId)
    if (replay === undefined) throw new Error('missing view')
    expect(buildMatrixRows(snapshot.lab.catalog, runViewFromDetail(detail))).toEqual(buildMatrixRows(snapshot.lab.catalog, replay))
  })

  it('refuses to start or cancel runs', async () => {
    const client = createReplayClient(runId, { token: null, fetch, baseUrl: lab.base })
    expect(await client.startRun({})).toMatchObject({ ok: false, code: 'NO_RUN_IN_PROGRESS' })
    expect(await client.cancelRun(runId)).toMatchObject({ ok: false, code: 'NO_RUN_IN_PROGRESS' })
  })
})
