/** mulberry32: a small seeded PRNG, so a sampled mutation run is reproducible from its seed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Up to `count` items of `items`, chosen by `seed`, in their original order. */
export function seededSample<T>(items: readonly T[], count: number, seed: number): T[] {
  if (count >= items.length) return [...items]
  const random = mulberry32(seed)
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
