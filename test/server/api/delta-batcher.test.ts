import { describe, expect, it } from 'vitest'
import type { LabDelta } from '../../../server/api/contract.js'
import { DeltaBatcher, MAX_BATCH_SIZE } from '../../../server/api/delta-batcher.js'

function connectionDelta(index: number): LabDelta {
  return { type: 'scenario:started', sentAt: index, runId: 'r', scenarioId: `s-${index}`, ordinal: index }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('DeltaBatcher', () => {
  it('sends a delta that follows a quiet spell at once, without waiting for a timer', () => {
    const batches: LabDelta[][] = []
    const batcher = new DeltaBatcher((batch) => batches.push(batch), () => 1_000)
    batcher.push(connectionDelta(0))
    expect(batches).toEqual([[connectionDelta(0)]])
    batcher.close()
  })

  it('sends a synchronous burst in order, in batches no larger than MAX_BATCH_SIZE', async () => {
    const batches: LabDelta[][] = []
    const batcher = new DeltaBatcher((batch) => batches.push(batch))
    const count = MAX_BATCH_SIZE * 2 + 500
    for (let index = 0; index < count; index += 1) batcher.push(connectionDelta(index))
    await nextTurn()
    expect(batches.length).toBeLessThanOrEqual(4)
    expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(MAX_BATCH_SIZE)
    expect(batches.flat().map((delta) => delta.sentAt)).toEqual(Array.from({ length: count }, (_unused, index) => index))
  })

  it('flushes what is pending on close', () => {
    const batches: LabDelta[][] = []
    let now = 1_000
    const batcher = new DeltaBatcher((batch) => batches.push(batch), () => now)
    batcher.push(connectionDelta(0))
    batcher.push(connectionDelta(1))
    now += 1
    batcher.close()
    expect(batches).toEqual([[connectionDelta(0)], [connectionDelta(1)]])
  })
})

describe('DeltaBatcher with deltas that end something', () => {
  it('sends scenario:finished at once, together with the steps queued before it', () => {
    const batches: LabDelta[][] = []
    const batcher = new DeltaBatcher((batch) => batches.push(batch), () => 1_000)
    batcher.push(connectionDelta(0))
    batcher.push(connectionDelta(1))
    const finished: LabDelta = {
      type: 'run:finished',
      sentAt: 2,
      run: { id: 'r', startedAt: '', finishedAt: '', status: 'passed', trigger: 'test', options: {}, scenarioCount: 2, resultCount: 2, caughtCount: 1, leakedCount: 0, unexpectedCount: 0 },
    }
    batcher.push(finished)
    expect(batches).toEqual([[connectionDelta(0)], [connectionDelta(1), finished]])
    batcher.close()
  })
})
