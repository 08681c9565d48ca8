import type { LabDelta, LiveStepDto } from './contract.js'

/**
 * Remembers what a snapshot needs that the store does not have yet: the run in
 * progress and the steps of its scenario in flight (step results are pushed
 * before their scenario result is committed).
 */
export class LiveRunTracker {
  private openRunId: string | null = null
  private steps: LiveStepDto[] = []

  apply(delta: LabDelta): void {
    switch (delta.type) {
      case 'run:started':
        this.openRunId = delta.run.id
        this.steps = []
        return
      case 'step:result': {
        if (delta.runId === this.openRunId) {
          this.steps.push({ runId: delta.runId, scenarioId: delta.scenarioId, clientId: delta.clientId, ordinal: delta.ordinal, step: delta.step })
        }
        return
      }
      case 'scenario:finished':
        this.steps = this.steps.filter((step) => step.scenarioId !== delta.result.scenarioId)
        return
      case 'run:finished':
        if (delta.run.id === this.openRunId) {
          this.openRunId = null
          this.steps = []
        }
        return
      default:
        return
    }
  }

  get runId(): string | null {
    return this.openRunId
  }

  get liveSteps(): LiveStepDto[] {
    return [...this.steps]
  }
}
