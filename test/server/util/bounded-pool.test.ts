import { describe, expect, it } from 'vitest'
import { runBounded } from '../../../server/util/bounded-pool.js'

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** A task that finishes when the test says so. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}

describe('runBounded', () => {
  it('keeps at most `jobs` in flight and starts items in index order', async () => {
    const gates = [gate(), gate(), gate(), gate()]
    const started: number[] = []
    const done = runBounded([0, 1, 2, 3], 2, async (item) => {
      started.push(item)
      await gates[item]?.promise
    })
    await tick()
    expect(started).toEqual([0, 1])
    gates[1]?.open()
    await tick()
    expect(started).toEqual([0, 1, 2])
    for (const g of gates) g.open()
    expect(await done).toBe(4)
    expect(started).toEqual([0, 1, 2, 3])
  })

  it('stops starting items once the signal aborts, and lets those in flight finish', async () => {
    const controller = new AbortController()
    const finished: number[] = []
    const count = await runBounded(
      [0, 1, 2, 3, 4],
      2,
      async (item) => {
        if (item === 1) controller.abort()
        await tick()
        finished.push(item)
      },
      { signal: controller.signal },
    )
    expect(count).toBe(2)
    expect(finished.sort()).toEqual([0, 1])
  })

  it('rethrows the first error after the items in flight have settled, starting no more', async () => {
    const finished: number[] = []
    const run = runBounded([0, 1, 2, 3], 2, async (item) => {
      if (item === 0) throw new Error('scenario 0 broke')
      await tick()
      finished.push(item)
    })
    await expect(run).rejects.toThrow('scenario 0 broke')
    expect(finished).toEqual([1])
  })

  it('refuses a jobs count that is not a positive integer', async () => {
    await expect(runBounded([1], 0, () => Promise.resolve())).rejects.toThrow(RangeError)
  })
})
