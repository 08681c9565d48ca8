/**
 * Runs `work` over `items` with at most `jobs` calls in flight, each item
 * started in index order as a slot frees up (what p-limit does; p-limit is
 * only a transitive dependency here, and the runner also needs "stop starting
 * on abort" and "settle the ones in flight before rethrowing").
 *
 * - `signal` aborted: no further item starts; the ones in flight finish.
 * - `work` throws: no further item starts; the ones in flight finish (so their
 *   servers are torn down), then the first error is rethrown.
 *
 * Resolves to the number of items started.
 *
 * @example
 * await runBounded(scenarios, 4, async (scenario, index) => { ... })
 */
export async function runBounded<T>(
  items: readonly T[],
  jobs: number,
  work: (item: T, index: number) => Promise<void>,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<number> {
  if (!Number.isInteger(jobs) || jobs < 1) throw new RangeError(`jobs must be a positive integer, not ${jobs}`)
  let next = 0
  const failures: unknown[] = []
  const worker = async (): Promise<void> => {
    while (next < items.length && failures.length === 0 && options.signal?.aborted !== true) {
      const index = next
      next += 1
      try {
        await work(items[index] as T, index)
      } catch (error) {
        failures.push(error)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, () => worker()))
  if (failures.length > 0) throw failures[0]
  return next
}
