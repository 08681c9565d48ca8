import type { Ack, ClientToServerEvents, LabDelta, ServerToClientEvents } from '@contract'
import { io, type Socket } from 'socket.io-client'
import { ref } from 'vue'
import type { ConnectionStatus, LabClient } from './lab-client.js'
import { unwrap } from './lab-client.js'

/** Reconnect policy: a fixed, quick retry so a restarted server is picked up within seconds. */
export const RECONNECT_INTERVAL_MS = 1000
export const RECONNECT_INTERVAL_MAX_MS = 2000
/** An ack that does not arrive in this time is a lost server, not a slow one. */
export const ACK_TIMEOUT_MS = 10_000

/** The live client: socket.io on the page's own origin. */
export function createSocketClient(params: { url?: string; token: string | null }): LabClient {
  const status = ref<ConnectionStatus>('connecting')
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(params.url ?? window.location.origin, {
    transports: ['websocket'],
    reconnectionDelay: RECONNECT_INTERVAL_MS,
    reconnectionDelayMax: RECONNECT_INTERVAL_MAX_MS,
    auth: params.token === null ? {} : { token: params.token },
  })
  const connectListeners = new Set<() => void>()
  socket.on('connect', () => {
    status.value = 'open'
    for (const listener of connectListeners) listener()
  })
  socket.on('disconnect', () => (status.value = 'reconnecting'))
  socket.on('connect_error', (error) => {
    status.value = error.message.startsWith('UNAUTHORIZED') ? 'unauthorized' : 'reconnecting'
  })
  const call = <T>(emit: (ack: (reply: Ack<T>) => void) => void): Promise<Ack<T>> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, code: 'INTERNAL', message: 'The lab server did not answer' }), ACK_TIMEOUT_MS)
      emit((reply) => {
        clearTimeout(timer)
        resolve(reply)
      })
    })
  return {
    mode: 'live',
    status,
    snapshot: async () => unwrap(await call((ack) => socket.emit('lab:snapshot', ack))),
    listRuns: async () => unwrap(await call((ack) => socket.emit('runs:list', {}, ack))),
    getRun: async (runId) => unwrap(await call((ack) => socket.emit('run:get', { runId }, ack))),
    startRun: (input) => call((ack) => socket.emit('run:start', input, ack)),
    cancelRun: (runId) => call((ack) => socket.emit('run:cancel', { runId }, ack)),
    onDeltas: (listener: (batch: LabDelta[]) => void) => {
      socket.on('lab:deltas', listener)
      return () => socket.off('lab:deltas', listener)
    },
    onConnect: (listener) => {
      connectListeners.add(listener)
      return () => connectListeners.delete(listener)
    },
    close: () => socket.close(),
  }
}
