import type { ScenarioResult } from '../lab/scenario-result.js'
import type { ConnectionRecord } from '../proxy/connection-record.js'
import type { RunRow } from '../store/lab-store.js'
import type { StepResult } from '../steps/step-result.js'

/**
 * The lab's lifecycle events, one payload type each. The runner and the
 * servers publish; addons (the store, the dashboard broadcaster, the CLI
 * progress line) subscribe. Names are `noun:verb`, like mitmproxy's.
 */
export interface LabEvents {
  /** A run was created and is about to start its first scenario. */
  'run:started': { run: RunRow; scenarioIds: string[] }
  /** A scenario's servers are up and its client is about to connect. */
  'scenario:started': { runId: string; scenarioId: string; clientId: string; ordinal: number }
  /** One verification step finished for a scenario (pushed live, before the result is committed). */
  'step:result': { runId: string; scenarioId: string; clientId: string; ordinal: number; step: StepResult }
  /** The proxy closed a connection record. */
  'connection:closed': { runId: string | null; scenarioId: string | null; record: ConnectionRecord }
  /** A scenario result was committed to the store. */
  'scenario:finished': { result: ScenarioResult }
  /** A run ended (passed, failed, cancelled). */
  'run:finished': { run: RunRow }
  /** Anything worth a line in the event log: hostile peers, errors, progress. */
  'lab:log': {
    runId: string | null
    scenarioId: string | null
    level: 'debug' | 'info' | 'warn' | 'error'
    source: string
    type: string
    message: string
    data?: unknown
  }
}

export type LabEventName = keyof LabEvents
