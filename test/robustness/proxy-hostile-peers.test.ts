import { randomBytes } from 'node:crypto'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainPem } from '../../ca/index.js'
import { startGenuineServer, type GenuineServer } from '../../server/genuine/genuine-server.js'
import type { ConnectionRecord } from '../../server/proxy/connection-record.js'
import { createForgedCertificates } from '../../server/proxy/forged-certificates.js'
import { startInterceptingProxy, type InterceptingProxy, type ProxyIncident, type StartInterceptingProxyParams } from '../../server/proxy/intercepting-proxy.js'
import { testPki } from '../support/lab-pki.js'
import { captureClientHello, closedPort, dribble, rawPeer, startResettingServer, tlsPeer } from '../server/proxy/support/hostile-clients.js'

// Hostile peers against the forging proxy (issue 10): each kind runs a bounded
// number of peers at once; afterwards the proxy must be alive, every connection
// recorded with the right outcome and incident, memory back near its baseline,
// and a normal intercepted login must still work. Short timeouts keep it fast.

setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

const pki = testPki()
const HELLO_TIMEOUT_MS = 300
const IDLE_TIMEOUT_MS = 800
const MAX_CONNECTIONS = 300
const records: ConnectionRecord[] = []
const incidents: ProxyIncident[] = []
const tally: Record<string, { peers: number; outcomes: Record<string, number>; incidents: Record<string, number> }> = {}
const proxies: InterceptingProxy[] = []
let genuine: GenuineServer
let proxy: InterceptingProxy
let hello: Buffer
let baselineHeap = 0
let resetting: Awaited<ReturnType<typeof startResettingServer>>

async function startProxy(upstreamPort: number, extra: Partial<StartInterceptingProxyParams> = {}): Promise<InterceptingProxy> {
  const forged = createForgedCertificates({ ca: pki.interceptionCa, defaultHost: 'bank.lab' })
  const started = await startInterceptingProxy({
    mode: 'terminate',
    upstream: { host: '127.0.0.1', port: upstreamPort, caPem: pki.trustedRoot.pem },
    certificateFor: forged.certificateFor,
    keepRecords: false,
    onRecord: (record) => records.push(record),
    onIncident: (incident) => incidents.push(incident),
    helloTimeoutMs: HELLO_TIMEOUT_MS,
    idleTimeoutMs: IDLE_TIMEOUT_MS,
    maxConnections: MAX_CONNECTIONS,
    ...extra,
  })
  proxies.push(started)
  return started
}

/** Runs `count` peers of one kind at once and returns the records and incidents they caused. */
async function hostile(kind: string, count: number, peer: (index: number) => Promise<unknown>, target = proxy) {
  const firstRecord = records.length
  const firstIncident = incidents.length
  await Promise.all(Array.from({ length: count }, (_, index) => peer(index)))
  await target.whenIdle(5_000)
  const mine = records.slice(firstRecord)
  const ids = new Set(mine.map((record) => record.id))
  const mineIncidents = incidents.slice(firstIncident).filter((incident) => ids.has(incident.connectionId))
  tally[kind] = { peers: count, outcomes: countBy(mine.map((r) => r.outcome)), incidents: countBy(mineIncidents.map((i) => i.type)) }
  return { records: mine, incidents: mineIncidents }
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1
  return counts
}

async function login(port: number): Promise<string> {
  const body = 'username=alice&password=correct-horse-battery-staple'
  const { response } = await tlsPeer(port, pki.interceptionCa.pem, (socket) =>
    socket.write(`POST /login HTTP/1.1\r\nHost: bank.lab\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`),
  )
  return response.split('\r\n')[0] ?? ''
}

beforeAll(async () => {
  genuine = await startGenuineServer({ certificateChainPem: chainPem(pki.genuineLeaf, pki.trustedIntermediate), privateKeyPem: pki.genuineLeaf.key.privateKeyPem })
  proxy = await startProxy(genuine.port)
  hello = await captureClientHello('bank.lab')
  resetting = await startResettingServer()
  expect(await login(proxy.port)).toBe('HTTP/1.1 302 Found')
  await proxy.whenIdle(2_000)
  collectGarbage()
  baselineHeap = process.memoryUsage().heapUsed
})

afterAll(async () => {
  for (const started of proxies) await started.close()
  await genuine.close()
  await resetting.close()
  console.info(`hostile peers (kind: outcomes / incidents):\n${Object.entries(tally).map(([kind, t]) => `  ${kind} x${t.peers}: ${JSON.stringify(t.outcomes)} / ${JSON.stringify(t.incidents)}`).join('\n')}`)
})

describe('the forging proxy under hostile peers', () => {
  it('records random bytes instead of a ClientHello as a hello error', async () => {
    const { records: seen, incidents: raised } = await hostile('random-bytes', 20, () => rawPeer(proxy.port, (s) => s.write(randomBytes(512))))
    expect(seen).toHaveLength(20)
    for (const record of seen) expect(record.helloError).toMatch(/^(NOT_TLS|NOT_HANDSHAKE|MALFORMED|TOO_LARGE|TIMEOUT):/)
    expect(raised.filter((i) => i.type.startsWith('hello-'))).toHaveLength(20)
  })

  it('records a truncated ClientHello as TRUNCATED and a hang-up', async () => {
    const { records: seen, incidents: raised } = await hostile('truncated-hello', 10, () => rawPeer(proxy.port, (s) => s.end(hello.subarray(0, hello.length >> 1))))
    expect(seen.map((r) => r.outcome)).toEqual(Array(10).fill('client-hung-up'))
    expect(seen.every((r) => r.helloError?.startsWith('TRUNCATED:'))).toBe(true)
    expect(raised.map((i) => i.type)).toEqual(Array(10).fill('hello-truncated'))
  })

  it('refuses an oversized ClientHello without reading it all', async () => {
    // A handshake record announcing a 16 MiB ClientHello (RFC 8446 §5.1 allows 2^14 per record).
    const oversized = Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0xff, 0xff, 0xff]), Buffer.alloc(16_380, 0x41)])
    const { records: seen, incidents: raised } = await hostile('oversized-hello', 5, () => rawPeer(proxy.port, (s) => s.write(oversized)))
    expect(seen.map((r) => r.outcome)).toEqual(Array(5).fill('handshake-failed'))
    expect(seen.every((r) => r.helloError?.startsWith('TOO_LARGE:'))).toBe(true)
    expect(raised.map((i) => i.type)).toEqual(Array(5).fill('hello-too-large'))
  })

  it('closes connections that send nothing after the hello timeout', async () => {
    const { records: seen, incidents: raised } = await hostile('silent', 20, () => rawPeer(proxy.port, () => {}))
    expect(seen.map((r) => r.outcome)).toEqual(Array(20).fill('client-hung-up'))
    expect(raised.map((i) => i.type)).toEqual(Array(20).fill('hello-timeout'))
  })

  it('closes a slowloris that sends its hello one byte at a time', async () => {
    const { records: seen, incidents: raised } = await hostile('slowloris-hello', 10, () => rawPeer(proxy.port, (s) => dribble(s, hello, 20)))
    expect(seen.every((r) => r.helloError?.startsWith('TIMEOUT:'))).toBe(true)
    expect(raised.map((i) => i.type)).toEqual(Array(10).fill('hello-timeout'))
  })

  it('records clients that vanish mid-handshake as hang-ups', async () => {
    const { records: seen, incidents: raised } = await hostile('vanish-mid-handshake', 10, () =>
      rawPeer(proxy.port, (s) => {
        s.write(hello)
        s.once('data', () => s.destroy())
      }),
    )
    expect(seen.map((r) => r.outcome)).toEqual(Array(10).fill('client-hung-up'))
    expect(seen.every((r) => r.sni === 'bank.lab')).toBe(true)
    expect(raised.map((i) => i.type)).toEqual(Array(10).fill('client-vanished-mid-handshake'))
  })

  it('relays and records clients that vanish mid-body', async () => {
    const { records: seen, incidents: raised } = await hostile('vanish-mid-body', 10, () =>
      tlsPeer(proxy.port, pki.interceptionCa.pem, (s) => {
        s.write(`POST /login HTTP/1.1\r\nHost: bank.lab\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n${'a'.repeat(1000)}`)
        setTimeout(() => s.destroy(), 50)
      }),
    )
    expect(seen.map((r) => r.outcome)).toEqual(Array(10).fill('relayed'))
    expect(seen.every((r) => r.bytes.fromClient >= 1000 && r.plaintext.requests[0]?.path === '/login')).toBe(true)
    expect(raised.map((i) => i.type)).toEqual(Array(10).fill('client-vanished-mid-body'))
  })

  it('closes clients idle after the handshake', async () => {
    const { records: seen, incidents: raised } = await hostile('idle-after-handshake', 10, () => tlsPeer(proxy.port, pki.interceptionCa.pem, () => {}))
    expect(seen.map((r) => r.outcome)).toEqual(Array(10).fill('client-closed-after-handshake'))
    expect(raised.map((i) => i.type)).toEqual(Array(10).fill('idle-timeout'))
  })

  it('relays oversized request headers without buffering them, and says the sniffer gave up', async () => {
    const huge = `GET / HTTP/1.1\r\nHost: bank.lab\r\nX-Filler: ${'f'.repeat(64 * 1024)}\r\nConnection: close\r\n\r\n`
    const responses: string[] = []
    const { records: seen, incidents: raised } = await hostile('oversized-headers', 5, () =>
      tlsPeer(proxy.port, pki.interceptionCa.pem, (s) => s.write(huge)).then(({ response }) => responses.push(response.split('\r\n')[0] ?? '')),
    )
    expect(responses).toEqual(Array(5).fill('HTTP/1.1 431 Request Header Fields Too Large'))
    expect(seen.map((r) => r.outcome)).toEqual(Array(5).fill('relayed'))
    expect(raised.filter((i) => i.type === 'http-head-too-large')).toHaveLength(5)
  })

  it('records an upstream that is down', async () => {
    const down = await startProxy(await closedPort())
    const { records: seen, incidents: raised } = await hostile('upstream-down', 5, () => tlsPeer(down.port, pki.interceptionCa.pem, () => {}), down)
    expect(seen.map((r) => r.outcome)).toEqual(Array(5).fill('upstream-failed'))
    expect(seen.every((r) => r.upstream?.error?.includes('ECONNREFUSED'))).toBe(true)
    expect(raised.filter((i) => i.type === 'upstream-error')).toHaveLength(5)
  })

  it('records an upstream that resets, with the upstream reached during the client handshake', async () => {
    const reset = await startProxy(resetting.port, { connectUpstream: 'with-hello' })
    const { records: seen, incidents: raised } = await hostile('upstream-resets', 5, () => tlsPeer(reset.port, pki.interceptionCa.pem, () => {}), reset)
    expect(seen.map((r) => r.outcome)).toEqual(Array(5).fill('upstream-failed'))
    expect(raised.filter((i) => i.type === 'upstream-error')).toHaveLength(5)
  })

  it('refuses a burst of 1,000 connections past maxConnections, recording each refusal', async () => {
    let peak = 0
    const watch = setInterval(() => (peak = Math.max(peak, proxy.openConnections())), 5)
    const { records: seen, incidents: raised } = await hostile('burst-1000', 1000, () => rawPeer(proxy.port, () => {}))
    clearInterval(watch)
    const refused = seen.filter((r) => r.outcome === 'refused')
    expect(seen).toHaveLength(1000)
    expect(refused.length).toBeGreaterThan(0)
    expect(refused.every((r) => r.error?.code === 'CONNECTION_LIMIT')).toBe(true)
    expect(raised.filter((i) => i.type === 'connection-limit')).toHaveLength(refused.length)
    expect(seen.filter((r) => r.outcome === 'client-hung-up')).toHaveLength(1000 - refused.length)
    expect(peak).toBeLessThanOrEqual(MAX_CONNECTIONS)
  })

  it('is alive afterwards: no open connections, memory near its baseline, and a login is still intercepted', async () => {
    expect(proxy.openConnections()).toBe(0)
    collectGarbage()
    const grownMiB = (process.memoryUsage().heapUsed - baselineHeap) / 2 ** 20
    // The records kept by this test (about 1,100) account for most of what remains.
    expect(grownMiB).toBeLessThan(16)
    const before = records.length
    expect(await login(proxy.port)).toBe('HTTP/1.1 302 Found')
    await proxy.whenIdle(2_000)
    expect(records.slice(before)[0]?.plaintext.credentials).toContainEqual({ field: 'password', value: 'correct-horse-battery-staple', path: '/login' })
  })
})
