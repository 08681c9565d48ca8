import { request } from 'node:https'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainPem } from '../../ca/index.js'
import { VICTIM_CREDENTIALS } from '../../server/genuine/bank-site.js'
import { startGenuineServer, type GenuineIncident, type GenuineIncidentType, type GenuineServer } from '../../server/genuine/genuine-server.js'
import * as hostile from '../support/hostile-clients.js'
import { pollUntil } from '../support/cli-process.js'
import { testPki } from '../support/lab-pki.js'

/**
 * Issue 10, hostile peers against the genuine server: every kind of
 * misbehaving connection ends (bounded by the server's own limits), is
 * recorded as an incident of the right type, leaves no socket and no heap
 * behind, and a normal HTTPS login works afterwards.
 */
setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void
const heapAfterGc = (): number => {
  for (let round = 0; round < 3; round += 1) collectGarbage()
  return process.memoryUsage().heapUsed
}

const pki = testPki()
const PER_KIND = 5
const LIMITS = { handshakeTimeoutMs: 800, headersTimeoutMs: 1_200, requestTimeoutMs: 2_500, keepAliveTimeoutMs: 500, checkIntervalMs: 200 }
const incidents: GenuineIncident[] = []
let server: GenuineServer
let target: hostile.Target

beforeAll(async () => {
  server = await startGenuineServer({
    certificateChainPem: chainPem(pki.genuineLeaf, pki.trustedIntermediate),
    privateKeyPem: pki.genuineLeaf.key.privateKeyPem,
    onIncident: (incident) => incidents.push(incident),
    limits: LIMITS,
  })
  target = { host: server.host, port: server.port, caPem: pki.trustedRoot.pem, servername: 'bank.lab' }
})

afterAll(async () => {
  await server.close()
})

/** Logs in as the victim over real HTTPS and reads the account: the site's normal job. */
async function login(): Promise<{ loginStatus: number; accountStatus: number; owner: unknown }> {
  const send = (method: string, path: string, body: string | null, cookie: string | null): Promise<{ status: number; headers: Record<string, unknown>; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: target.host,
          port: target.port,
          servername: 'bank.lab',
          ca: target.caPem,
          method,
          path,
          agent: false,
          headers: { host: 'bank.lab', ...(body === null ? {} : { 'content-type': 'application/x-www-form-urlencoded' }), ...(cookie === null ? {} : { cookie }) },
        },
        (response) => {
          let text = ''
          response.on('data', (chunk: Buffer) => (text += chunk.toString()))
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }))
        },
      )
      req.on('error', reject)
      req.end(body ?? undefined)
    })
  const form = new URLSearchParams({ username: VICTIM_CREDENTIALS.username, password: VICTIM_CREDENTIALS.password }).toString()
  const loggedIn = await send('POST', '/login', form, null)
  const cookie = String((loggedIn.headers['set-cookie'] as string[] | undefined)?.[0] ?? '').split(';')[0] ?? ''
  const account = await send('GET', '/api/account', null, cookie)
  return { loginStatus: loggedIn.status, accountStatus: account.status, owner: account.status === 200 ? (JSON.parse(account.body) as { owner: unknown }).owner : null }
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const value of [...values].sort()) counts[value] = (counts[value] ?? 0) + 1
  return counts
}

const NORMAL_LOGIN = { loginStatus: 302, accountStatus: 200, owner: 'Alice Example' }

/** Each hostile kind, the incident it must produce, and what the server answers (when it can). */
const KINDS: { kind: string; expected: GenuineIncidentType; reply?: RegExp; run: (index: number, hello: Buffer) => Promise<string> }[] = [
  { kind: 'random bytes instead of a ClientHello', expected: 'handshake-failed', run: (i) => hostile.sendGarbage(target, 1_000 + i) },
  { kind: 'plain HTTP to the TLS port', expected: 'handshake-failed', run: () => hostile.sendPlainHttp(target) },
  { kind: 'idle TCP connection', expected: 'handshake-timeout', run: () => hostile.idleTcp(target) },
  { kind: 'vanishing mid-handshake', expected: 'handshake-abandoned', run: (_i, hello) => hostile.vanishMidHandshake(target, hello) },
  { kind: 'idle TLS connection', expected: 'request-timeout', reply: /^HTTP\/1\.1 408 /, run: () => hostile.idleAfterHandshake(target) },
  { kind: 'slowloris headers', expected: 'request-timeout', reply: /^HTTP\/1\.1 408 /, run: () => hostile.slowloris(target, 150) },
  { kind: 'oversized headers', expected: 'headers-too-large', reply: /^HTTP\/1\.1 431 /, run: () => hostile.oversizedHeaders(target, 32_768) },
  { kind: 'garbage inside TLS', expected: 'malformed-request', reply: /^HTTP\/1\.1 400 /, run: (i) => hostile.garbageAfterHandshake(target, 2_000 + i) },
  { kind: 'vanishing mid-headers', expected: 'client-vanished', run: () => hostile.vanishMidHeaders(target) },
  { kind: 'oversized body', expected: 'body-too-large', reply: /^HTTP\/1\.1 413 /, run: () => hostile.oversizedBody(target, 64 * 1024) },
  { kind: 'vanishing mid-body', expected: 'body-aborted', run: () => hostile.vanishMidBody(target) },
  { kind: 'malformed JSON body', expected: 'malformed-body', reply: /^HTTP\/1\.1 400 /, run: () => hostile.malformedJsonBody(target) },
]

describe('the genuine server under hostile peers', () => {
  it('serves a normal login before the battery', async () => {
    expect(await login()).toEqual(NORMAL_LOGIN)
  })

  it(`survives ${PER_KIND} connections of each hostile kind, records each, and returns to baseline`, async () => {
    const hello = await hostile.captureClientHello('bank.lab')
    await login() // warm every code path once, so the baseline is not JIT and caches
    const baseline = heapAfterGc()
    incidents.length = 0

    const runs = KINDS.flatMap((kind) =>
      Array.from({ length: PER_KIND }, async (_unused, index) => ({ kind: kind.kind, reply: await kind.run(index, hello) })),
    )
    const replies = await Promise.all(runs)

    await pollUntil(() => (server.connectionCount() === 0 ? true : undefined), 'every hostile connection to close', 10_000)
    const counts = countBy(incidents.map((incident) => incident.type))
    // Exactly one incident per hostile connection, of the type its kind must produce.
    expect(counts).toEqual(countBy(KINDS.flatMap((kind) => Array<string>(PER_KIND).fill(kind.expected))))
    for (const kind of KINDS) {
      if (kind.reply === undefined) continue
      for (const reply of replies.filter((r) => r.kind === kind.kind)) {
        expect({ kind: kind.kind, reply: reply.reply.slice(0, 40) }).toEqual({ kind: kind.kind, reply: expect.stringMatching(kind.reply) })
      }
    }
    expect(incidents.every((incident) => incident.remoteAddress === '127.0.0.1' || incident.remoteAddress === null)).toBe(true)

    const grown = heapAfterGc() - baseline
    console.info(`genuine hostile battery: ${runs.length} connections (${PER_KIND} x ${KINDS.length} kinds), incidents ${JSON.stringify(counts)}, heap +${(grown / 1024).toFixed(0)} KiB after GC`)
    expect(grown).toBeLessThan(4 * 1024 * 1024)
  }, 20_000)

  it('refuses connections beyond its limit at once, records each, and serves again when they leave', async () => {
    const LIMIT = 5
    const EXTRA = 20
    const seen: GenuineIncident[] = []
    const limited = await startGenuineServer({
      certificateChainPem: chainPem(pki.genuineLeaf, pki.trustedIntermediate),
      privateKeyPem: pki.genuineLeaf.key.privateKeyPem,
      onIncident: (incident) => seen.push(incident),
      limits: { ...LIMITS, maxConnections: LIMIT, handshakeTimeoutMs: 3_000 },
    })
    try {
      const limitedTarget = { ...target, port: limited.port }
      const holders = Array.from({ length: LIMIT }, () => hostile.idleTcp(limitedTarget))
      await pollUntil(() => (limited.connectionCount() === LIMIT ? true : undefined), 'the limit to fill', 5_000)
      await Promise.all(Array.from({ length: EXTRA }, () => hostile.idleTcp(limitedTarget)))
      expect(seen.filter((incident) => incident.type === 'connection-refused')).toHaveLength(EXTRA)
      await Promise.all(holders)
      expect(seen.filter((incident) => incident.type === 'handshake-timeout')).toHaveLength(LIMIT)
      expect(await hostile.oversizedBody(limitedTarget, 64 * 1024)).toMatch(/^HTTP\/1\.1 413 /)
    } finally {
      await limited.close()
    }
  })

  it('survives an onIncident listener that throws', async () => {
    const fragile = await startGenuineServer({
      certificateChainPem: chainPem(pki.genuineLeaf, pki.trustedIntermediate),
      privateKeyPem: pki.genuineLeaf.key.privateKeyPem,
      onIncident: () => {
        throw new Error('listener bug')
      },
    })
    try {
      const fragileTarget = { ...target, port: fragile.port }
      await hostile.sendGarbage(fragileTarget, 7)
      await hostile.oversizedHeaders(fragileTarget, 32_768)
      await pollUntil(() => (fragile.connectionCount() === 0 ? true : undefined), 'the fragile server to let go of both peers', 5_000)
      expect(await hostile.oversizedBody(fragileTarget, 64 * 1024)).toMatch(/^HTTP\/1\.1 413 /)
    } finally {
      await fragile.close()
    }
  })

  it('serves a normal login after the battery, with no hostile request recorded as a login', async () => {
    expect(await login()).toEqual(NORMAL_LOGIN)
    expect(server.requests.filter((r) => r.receivedCredentials && r.path === '/login').length).toBeGreaterThanOrEqual(1)
  })
})
