import { describe, expect, it } from 'vitest'
import { KeyedSemaphore } from '../../../server/util/keyed-semaphore.js'

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('KeyedSemaphore', () => {
  it('lets limit(key) holders in per key, queues the rest in arrival order, and keys do not block each other', async () => {
    const slots = new KeyedSemaphore((key) => (key === 'curl' ? 2 : 1))
    const log: string[] = []
    const chromiumA = await slots.acquire('chromium')
    const chromiumB = slots.acquire('chromium').then((release) => (log.push('chromium B'), release))
    const chromiumC = slots.acquire('chromium').then((release) => (log.push('chromium C'), release))
    const curls = await Promise.all([slots.acquire('curl'), slots.acquire('curl')])
    log.push('two curls while chromium is held')
    await tick()
    expect(log).toEqual(['two curls while chromium is held'])
    chromiumA()
    chromiumA() // a second release of the same slot changes nothing
    const releaseB = await chromiumB
    await tick()
    expect(log).toEqual(['two curls while chromium is held', 'chromium B'])
    releaseB()
    ;(await chromiumC)()
    expect(log).toEqual(['two curls while chromium is held', 'chromium B', 'chromium C'])
    for (const release of curls) release()
    // Everything released: a new holder gets in at once; a third curl waits for one of two.
    const state = async (key: string): Promise<string> => Promise.race([slots.acquire(key).then(() => 'acquired'), tick().then(() => 'blocked')])
    expect(await state('chromium')).toBe('acquired')
    expect(await state('chromium')).toBe('blocked')
  })
})
