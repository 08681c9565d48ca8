import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainPem } from '../../../ca/index.js'
import { startGenuineServer, type GenuineServer } from '../../../server/genuine/genuine-server.js'
import type { ConnectionRecord } from '../../../server/proxy/connection-record.js'
import { createForgedCertificates } from '../../../server/proxy/forged-certificates.js'
import { startInterceptingProxy, type InterceptingProxy, type ProxyIncident } from '../../../server/proxy/intercepting-proxy.js'
import { testPki } from '../../support/lab-pki.js'
import { tlsPeer } from './support/hostile-clients.js'

// The request-head deadline (issue 17 item 9): a slowloris that keeps every slot of --max-connections
// busy by sending one header line at a time, never idle long enough for the idle timeout, is closed
// once its head has taken longer than the deadline, in both relay modes; the slots free up for a
// real client. Short configured timeouts; every peer is bounded by PEER_LIMIT_MS.

const pki = testPki()
const HEAD_TIMEOUT_MS = 300
/** Longer than the head deadline, and far longer than a header line's gap: only the deadline can close a slowloris. */
const IDLE_TIMEOUT_MS = 5_000
const LINE_GAP_MS = 60
const SLOTS = 4
const PEER_LIMIT_MS = 4_000

let genuine: GenuineServer
const incidents: ProxyIncident[] = []
const records: ConnectionRecord[] = []
const proxies = new Map<'per-client' | 'pooled', InterceptingProxy>()

const LOGIN_BODY = 'username=alice&password=correct-horse-battery-staple'
const LOGIN = `POST /login HTTP/1.1\r\nHost: bank.lab\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${LOGIN_BODY.length}\r\nConnection: close\r\n\r\n${LOGIN_BODY}`

beforeAll(async () => {
  genuine = await startGenuineServer({
    certificateChainPem: chainPem(pki.genuineLeaf, pki.trustedIntermediate),
    privateKeyPem: pki.genuineLeaf.key.privateKeyPem,
  })
  for (const mode of ['per-client', 'pooled'] as const) {
    const forged = createForgedCertificates({ ca: pki.interceptionCa, defaultHost: 'bank.lab' })
    proxies.set(
      mode,
      await startInterceptingProxy({
        mode: 'terminate',
        upstream: { host: '127.0.0.1', port: genuine.port, caPem: pki.trustedRoot.pem },
        upstreamConnections: mode,
        certificateFor: forged.certificateFor,
        keepRecords: false,
        onRecord: (record) => records.push(record),
        onIncident: (incident) => incidents.push(incident),
        headTimeoutMs: HEAD_TIMEOUT_MS,
        idleTimeoutMs: IDLE_TIMEOUT_MS,
        maxConnections: SLOTS,
      }),
    )
  }
})

afterAll(async () => {
  for (const proxy of proxies.values()) await proxy.close()
  await genuine.close()
})

/** Sends a request line, then one header line every LINE_GAP_MS, never ending the head. */
function slowloris(port: number): Promise<{ response: string }> {
  return tlsPeer(
    port,
    pki.interceptionCa.pem,
    (socket) => {
      socket.write('GET / HTTP/1.1\r\nHost: bank.lab\r\n')
      let line = 0
      const timer = setInterval(() => {
        if (socket.destroyed) return clearInterval(timer)
        socket.write(`X-Line-${line++}: ${'a'.repeat(8)}\r\n`)
      }, LINE_GAP_MS)
      socket.once('close', () => clearInterval(timer))
    },
    PEER_LIMIT_MS,
  )
}

function statusLine(response: string): string {
  return response.split('\r\n')[0] ?? ''
}

describe.each(['per-client', 'pooled'] as const)('the request-head deadline, %s relay', (mode) => {
  it('closes slowloris peers holding every slot, records head-timeout, and then serves a real login', async () => {
    const proxy = proxies.get(mode)
    if (proxy === undefined) throw new Error(`no ${mode} proxy`)
    const firstIncident = incidents.length
    const firstRecord = records.length
    const peers = await Promise.all(Array.from({ length: SLOTS }, () => slowloris(proxy.port)))
    await proxy.whenIdle(2_000)
    // Closed by the proxy (no response: the head never completed), not by the peers' own limit.
    expect(peers.map((peer) => peer.response)).toEqual(Array(SLOTS).fill(''))
    const raised = incidents.slice(firstIncident).map((incident) => incident.type)
    expect(raised).toEqual(Array(SLOTS).fill('head-timeout'))
    expect(records.slice(firstRecord).map((record) => record.plaintext.requests)).toEqual(Array(SLOTS).fill([]))
    const { response } = await tlsPeer(proxy.port, pki.interceptionCa.pem, (socket) => socket.write(LOGIN), PEER_LIMIT_MS)
    expect(statusLine(response)).toBe('HTTP/1.1 302 Found')
  })

  it('counts from a head’s first byte: a keep-alive connection idle between requests longer than the deadline is kept', async () => {
    const proxy = proxies.get(mode)
    if (proxy === undefined) throw new Error(`no ${mode} proxy`)
    const firstIncident = incidents.length
    const { response } = await tlsPeer(
      proxy.port,
      pki.interceptionCa.pem,
      (socket) => {
        // The second request comes after a pause of three deadlines: the idle timeout governs that
        // wait, not the head deadline.
        socket.write('GET /?first HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
        setTimeout(() => socket.write('GET /?second HTTP/1.1\r\nHost: bank.lab\r\nConnection: close\r\n\r\n'), HEAD_TIMEOUT_MS * 3)
      },
      PEER_LIMIT_MS,
    )
    expect([...response.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => match[1])).toEqual(['200', '200'])
    await proxy.whenIdle(2_000)
    expect(incidents.slice(firstIncident).map((incident) => incident.type)).not.toContain('head-timeout')
  })
})
