import { findScenario, scenarios as allScenarios, type Scenario } from '../../scenarios/index.js'
import { runScenarios, type LabEnvironment } from '../../scenarios/runner.js'
import type { Ack } from './contract.js'

/**
 * Starts and cancels runs for the dashboard: one at a time (the scenarios
 * share the lab's PKI and the machine's cores), each with its own
 * AbortController. The runner runs the CLI's default number of scenarios at
 * once (one per core) and stops starting new ones on the signal, so a cancel
 * takes effect when the scenarios in flight finish (at most their timeout,
 * 20 s by default).
 */
export class RunController {
  private active: { runId: string; controller: AbortController; done: Promise<void> } | null = null

  constructor(
    private readonly env: LabEnvironment,
    private readonly onError: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
  ) {}

  get activeRunId(): string | null {
    return this.active?.runId ?? null
  }

  start(scenarioIds: string[] | undefined): Ack<{ runId: string }> {
    if (this.active !== null) {
      return { ok: false, code: 'RUN_IN_PROGRESS', message: `Run ${this.active.runId} is still running; cancel it or wait` }
    }
    const selected: Scenario[] = []
    for (const id of scenarioIds ?? allScenarios.map((s) => s.id)) {
      const scenario = findScenario(id)
      if (scenario === undefined) return { ok: false, code: 'NOT_FOUND', message: `No scenario "${id}"` }
      selected.push(scenario)
    }
    const controller = new AbortController()
    let runId: string | null = null
    // runScenarios creates the run and publishes run:started synchronously, before its first await.
    const unsubscribe = this.env.bus.use({ 'run:started': (e) => (runId ??= e.run.id) })
    const running = runScenarios(this.env, {
      scenarios: selected,
      trigger: 'dashboard',
      options: { scenarios: selected.map((s) => s.id) },
      signal: controller.signal,
    })
    unsubscribe()
    if (runId === null) return { ok: false, code: 'INTERNAL', message: 'The run did not start' }
    const startedId: string = runId
    const done = running.then(
      () => undefined,
      (error: unknown) => {
        this.onError(`mitmlab: run ${startedId} failed: ${(error as Error).stack ?? String(error)}`)
        this.markAborted(startedId)
      },
    )
    this.active = { runId: startedId, controller, done: done.finally(() => (this.active = null)) }
    return { ok: true, value: { runId: startedId } }
  }

  cancel(runId: string): Ack<{ runId: string }> {
    if (this.active === null || this.active.runId !== runId) {
      return { ok: false, code: 'NO_RUN_IN_PROGRESS', message: `Run ${runId} is not running in this server` }
    }
    this.active.controller.abort()
    return { ok: true, value: { runId } }
  }

  /** Resolves when the active run (if any) has ended. */
  async settle(): Promise<void> {
    await this.active?.done
  }

  /** An infrastructure failure ended the run without run:finished: record it as aborted so it is not left "running". */
  private markAborted(runId: string): void {
    try {
      this.env.store?.finishRun(runId, 'aborted')
      const run = this.env.store?.getRun(runId)
      if (run !== undefined && run !== null) this.env.bus.emit('run:finished', { run })
    } catch (error) {
      this.onError(`mitmlab: could not mark run ${runId} aborted: ${(error as Error).message}`)
    }
  }
}
