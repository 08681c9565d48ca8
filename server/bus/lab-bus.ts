import { isLabError } from '../errors.js'
import type { LabEventName, LabEvents } from './events.js'

/** A subscriber: an object whose keys are event names (mitmproxy's addon shape, typed). */
export type Addon = { readonly [K in LabEventName]?: (payload: LabEvents[K]) => void }

/**
 * Synchronous, typed publish/subscribe. Each handler runs in its own
 * try/catch: one broken addon is reported and cannot break a run or the
 * other addons.
 */
export class LabBus {
  private readonly addons = new Set<Addon>()

  constructor(private readonly onAddonError: (event: LabEventName, error: unknown) => void = reportAddonError) {}

  use(addon: Addon): () => void {
    this.addons.add(addon)
    return () => this.addons.delete(addon)
  }

  emit<K extends LabEventName>(event: K, payload: LabEvents[K]): void {
    for (const addon of this.addons) {
      const handler = addon[event] as ((payload: LabEvents[K]) => void) | undefined
      if (handler === undefined) continue
      try {
        handler(payload)
      } catch (error) {
        this.onAddonError(event, error)
      }
    }
  }
}

/** An infrastructure fault (a LabError: full disk, damaged store) is one line; anything else is a bug and keeps its stack. */
function reportAddonError(event: LabEventName, error: unknown): void {
  const what = isLabError(error) ? `${error.message} [${error.code}]` : ((error as Error).stack ?? String(error))
  process.stderr.write(`mitmlab: an addon failed on ${event}: ${what}\n`)
}
