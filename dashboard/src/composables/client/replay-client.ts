import { API_PATHS, TOKEN_HEADER, type LabDelta, type LabInfoDto, type RunDetailDto, type RunDto, type SnapshotDto } from '@contract'
import { ref } from 'vue'
import { LabRequestError, type LabClient } from './lab-client.js'

/**
 * Replays a stored run from the SQLite store through REST, behind the same
 * LabClient interface as the live socket: the run arrives as the deltas a
 * live run would have pushed (run:started, each step, each scenario,
 * run:finished), so it renders through exactly the same code.
 */
export function createReplayClient(runId: string, params: { token: string | null; fetch?: typeof fetch; baseUrl?: string }): LabClient {
  const status = ref<'connecting' | 'open'>('connecting')
  const doFetch = params.fetch ?? window.fetch.bind(window)
  const base = params.baseUrl ?? ''
  const get = async <T>(path: string): Promise<T> => {
    const response = await doFetch(`${base}${path}`, { headers: params.token === null ? {} : { [TOKEN_HEADER]: params.token } })
    if (!response.ok) throw await requestError(response)
    return (await response.json()) as T
  }
  const deltaListeners = new Set<(batch: LabDelta[]) => void>()
  const connectListeners = new Set<() => void>()
  const getRun = (id: string): Promise<RunDetailDto> => get<RunDetailDto>(API_PATHS.run(id))
  const refused = async (): Promise<{ ok: false; code: 'NO_RUN_IN_PROGRESS'; message: string }> => ({
    ok: false,
    code: 'NO_RUN_IN_PROGRESS',
    message: 'A replay cannot start or cancel runs',
  })
  queueMicrotask(() => {
    status.value = 'open'
    for (const listener of connectListeners) listener()
  })
  return {
    mode: 'replay',
    status,
    snapshot: async (): Promise<SnapshotDto> => {
      const [lab, detail] = await Promise.all([get<LabInfoDto>(API_PATHS.lab), getRun(runId)])
      // Deliver the run after the snapshot is applied, as a live server would.
      setTimeout(() => {
        const batch = replayDeltas(detail)
        for (const listener of deltaListeners) listener(batch)
      }, 0)
      return { lab: { ...lab, canRun: false }, runs: [detail.run], openRun: null, serverTime: new Date().toISOString() }
    },
    listRuns: async () => [(await getRun(runId)).run],
    getRun,
    startRun: refused,
    cancelRun: refused,
    onDeltas: (listener) => {
      deltaListeners.add(listener)
      return () => deltaListeners.delete(listener)
    },
    onConnect: (listener) => {
      connectListeners.add(listener)
      return () => connectListeners.delete(listener)
    },
    close: () => {
      deltaListeners.clear()
      connectListeners.clear()
    },
  }
}

/** The server's `{ code, message }` as a typed error: the page shows the sentence, never the raw JSON. */
async function requestError(response: Response): Promise<LabRequestError> {
  const text = await response.text()
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown }
    if (typeof body.message === 'string') return new LabRequestError(typeof body.code === 'string' ? body.code : `HTTP_${response.status}`, body.message)
  } catch {
    // Not JSON (a proxy's error page): fall through to the status line.
  }
  return new LabRequestError(`HTTP_${response.status}`, `The lab answered HTTP ${response.status}`)
}

/** The deltas a live server pushed for this run, rebuilt from what the store kept. */
export function replayDeltas(detail: RunDetailDto): LabDelta[] {
  const sentAt = Date.parse(detail.run.startedAt)
  const scenarioIds = detail.results.map((result) => result.scenarioId)
  const started: RunDto = { ...detail.run, status: 'running', finishedAt: null }
  const listed = detail.run.options['scenarios']
  const deltas: LabDelta[] = [
    { type: 'run:started', sentAt, run: started, scenarioIds: Array.isArray(listed) ? listed.map(String) : scenarioIds },
  ]
  for (const result of detail.results) {
    const at = Date.parse(result.startedAt)
    deltas.push({ type: 'scenario:started', sentAt: at, runId: result.runId, scenarioId: result.scenarioId, ordinal: result.ordinal })
    for (const step of result.steps) {
      deltas.push({ type: 'step:result', sentAt: at, runId: result.runId, scenarioId: result.scenarioId, clientId: result.clientId, ordinal: result.ordinal, step })
    }
    deltas.push({ type: 'scenario:finished', sentAt: at + result.durationMs, result })
  }
  deltas.push({ type: 'run:finished', sentAt: Date.parse(detail.run.finishedAt ?? detail.run.startedAt), run: detail.run })
  return deltas
}
