import { beforeAll, describe, expect, it } from 'vitest'
import { computeJa3 } from '../../../../server/fingerprint/ja3.js'
import { computeJa4 } from '../../../../server/fingerprint/ja4.js'
import { parseClientHello } from '../../../../server/tls/client-hello/parse-client-hello.js'
import { LAB_CLIENTS } from '../../../../server/fingerprint/lab-clients.js'
import { captureClientHello } from '../../../../server/tls/client-hello/capture-client-hello.js'
import { captureNodeHello } from './hello-bytes.js'
import { seededRandom } from '../../../support/seeded-random.js'

/** Fixed seed and count: a failure reproduces exactly. Override with FUZZ_ITERATIONS for longer runs. */
const SEED = 0x6d69746d
const ITERATIONS = Number(process.env['FUZZ_ITERATIONS'] ?? 20_000)
const CODES = new Set(['NOT_TLS', 'NOT_HANDSHAKE', 'TRUNCATED', 'MALFORMED', 'TOO_LARGE', 'INCOMPLETE'])


function mutate(seed: Uint8Array, random: () => number): Uint8Array {
  const bytes = [...seed]
  const int = (n: number): number => Math.floor(random() * n)
  const edits = 1 + int(4)
  for (let edit = 0; edit < edits; edit++) {
    const at = int(bytes.length + 1)
    switch (int(6)) {
      case 0: // flip one bit
        if (at < bytes.length) bytes[at] = (bytes[at] ?? 0) ^ (1 << int(8))
        break
      case 1: // overwrite with an interesting byte (length fields at their limits)
        if (at < bytes.length) bytes[at] = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x20, 0x0a][int(7)] ?? 0
        break
      case 2: // truncate
        bytes.length = at
        break
      case 3: // delete a run
        bytes.splice(at, 1 + int(16))
        break
      case 4: // insert random bytes
        bytes.splice(at, 0, ...Array.from({ length: 1 + int(16) }, () => int(256)))
        break
      default: // duplicate a run (repeated extensions, doubled records)
        bytes.splice(at, 0, ...bytes.slice(int(bytes.length), int(bytes.length) + 1 + int(64)))
    }
  }
  return Uint8Array.from(bytes)
}

describe('parseClientHello under fuzzing', () => {
  let seeds: Uint8Array[] = []
  beforeAll(async () => {
    seeds = [await captureNodeHello({ ALPNProtocols: ['h2', 'http/1.1'] }), await captureNodeHello({ maxVersion: 'TLSv1.2' })]
    // Real hellos of the lab's other clients widen the corpus (curl adds padding and post_handshake_auth).
    for (const client of LAB_CLIENTS.filter((c) => c.id === 'curl' || c.id === 'openssl-s-client')) {
      if (client.software() !== null) seeds.push((await captureClientHello((port) => client.connectTls(port))).bytes)
    }
  })

  it(`returns a value and never throws or hangs on ${ITERATIONS} random and mutated hellos (seed ${SEED})`, () => {
    const random = seededRandom(SEED)
    const outcomes = new Map<string, number>()
    const started = performance.now()
    for (let i = 0; i < ITERATIONS; i++) {
      const useRandom = i % 4 === 0
      const seed = seeds[i % seeds.length] ?? new Uint8Array(0)
      const input = useRandom
        ? Uint8Array.from({ length: Math.floor(random() * 600) }, (_, k) => (k === 0 && random() < 0.5 ? 22 : Math.floor(random() * 256)))
        : mutate(seed, random)
      const parsed = parseClientHello(input)
      if (parsed.ok) {
        expect(parsed.consumedBytes).toBeLessThanOrEqual(input.length)
        computeJa3(parsed.hello)
        computeJa4(parsed.hello)
      } else {
        expect(CODES.has(parsed.code)).toBe(true)
        if (parsed.code === 'INCOMPLETE') expect(parsed.needBytes).toBeGreaterThan(0)
      }
      const key = parsed.ok ? 'OK' : parsed.code
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
    }
    const elapsedMs = Math.round(performance.now() - started)
    console.info(`fuzz: ${ITERATIONS} inputs from ${seeds.length} seeds in ${elapsedMs} ms`, Object.fromEntries(outcomes))
    // The corpus must reach both the accept path and the main rejections, or it tests nothing.
    expect(outcomes.get('OK') ?? 0).toBeGreaterThan(0)
    expect(outcomes.get('MALFORMED') ?? 0).toBeGreaterThan(0)
    expect(outcomes.get('INCOMPLETE') ?? 0).toBeGreaterThan(0)
  }, 60_000)
})
