import { seededRandom } from '../../test/support/seeded-random.js'

/** Up to `count` items of `items`, chosen by `seed`, in their original order. */
export function seededSample<T>(items: readonly T[], count: number, seed: number): T[] {
  if (count >= items.length) return [...items]
  const random = seededRandom(seed)
  const indices = items.map((_, index) => index)
  // Fisher–Yates over the indices, then keep the first `count` in source order.
  for (let i = indices.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const a = indices[i] ?? 0
    indices[i] = indices[j] ?? 0
    indices[j] = a
  }
  const kept = new Set(indices.slice(0, count))
  return items.filter((_, index) => kept.has(index))
}
