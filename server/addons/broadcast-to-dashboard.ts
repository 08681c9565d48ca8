import type { LabDelta } from '../api/contract.js'
import { toConnectionDto, toResultDto, toRunDto } from '../api/dto.js'
import type { Addon } from '../bus/lab-bus.js'

/** Turns bus events into dashboard deltas (shaped by dto.ts) and hands them to `publish`. */
export function broadcastToDashboard(publish: (delta: LabDelta) => void, clock: () => number = Date.now): Addon {
  return {
    'run:started': (e) => publish({ type: 'run:started', sentAt: clock(), run: toRunDto(e.run), scenarioIds: e.scenarioIds }),
    'scenario:started': (e) =>
      publish({ type: 'scenario:started', sentAt: clock(), runId: e.runId, scenarioId: e.scenarioId, ordinal: e.ordinal }),
    'step:result': (e) => publish({ type: 'step:result', sentAt: clock(), ...e }),
    'connection:closed': (e) =>
      publish({ type: 'connection:closed', sentAt: clock(), runId: e.runId, scenarioId: e.scenarioId, connection: toConnectionDto(e.record) }),
    'scenario:finished': (e) => publish({ type: 'scenario:finished', sentAt: clock(), result: toResultDto(e.result) }),
    'run:finished': (e) => publish({ type: 'run:finished', sentAt: clock(), run: toRunDto(e.run) }),
  }
}
