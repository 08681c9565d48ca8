/** How often a condition is re-checked: short enough for tests, cheap for a handful of waiters. */
const POLL_INTERVAL_MS = 5

/**
 * Resolves once `condition()` holds or `timeoutMs` has passed, whichever is
 * first. Never rejects: callers that wait for connections to drain go on
 * either way (a stuck peer is recorded elsewhere, not thrown here).
 */
export function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve) => {
    const poll = (): void => {
      if (condition() || Date.now() >= deadline) resolve()
      else setTimeout(poll, POLL_INTERVAL_MS)
    }
    poll()
  })
}
