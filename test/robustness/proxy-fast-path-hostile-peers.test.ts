import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainPem } from '../../ca/index.js'
import { startGenuineServer, type GenuineServer } from '../../server/genuine/genuine-server.js'
import { createForgedCertificates } from '../../server/proxy/forged-certificates.js'
import {
  startInterceptingProxy,
  type InterceptingProxy,
  type ProxyIncident,
} from '../../server/proxy/intercepting-proxy.js'
import { testPki } from '../support/lab-pki.js'
import { captureClientHello, dribble, rawPeer, tlsPeer } from '../server/proxy/support/hostile-clients.js'

// The configuration `mitmlab proxy` runs by default: nobody reads records, so the proxy skips its
// JS ClientHello peek (OpenSSL reads the SNI) and borrows pooled upstream connections. Without
// the peek, the TLS socket alone must see hostile peers off: garbage, silence, a slowloris hello,
// a vanishing client; the proxy must report each and go on serving.

const pki = testPki()
const HELLO_TIMEOUT_MS = 300
const incidents: ProxyIncident[] = []
let genuine: GenuineServer
let proxy: InterceptingProxy
let hello: Buffer

beforeAll(async () => {
  genuine = await startGenuineServer({
    certificateChainPem: chainPem(pki.genuineLeaf, pki.trustedIntermediate),
    privateKeyPem: pki.genuineLeaf.key.privateKeyPem,
  })
  const forged = createForgedCertificates({ ca: pki.interceptionCa, defaultHost: 'bank.lab' })
  proxy = await startInterceptingProxy({
    mode: 'terminate',
    upstream: { host: '127.0.0.1', port: genuine.port, caPem: pki.trustedRoot.pem },
    upstreamConnections: 'pooled',
    certificateFor: forged.certificateFor,
    keepRecords: false,
    onIncident: (incident) => incidents.push(incident),
    helloTimeoutMs: HELLO_TIMEOUT_MS,
    idleTimeoutMs: 1_000,
  })
  hello = await captureClientHello('bank.lab')
})

afterAll(async () => {
  await proxy.close()
  await genuine.close()
})

/** Runs `count` peers at once; returns the incident types they caused. */
async function hostile(count: number, peer: () => Promise<unknown>): Promise<string[]> {
  const first = incidents.length
  await Promise.all(Array.from({ length: count }, peer))
  await proxy.whenIdle(5_000)
  return incidents.slice(first).map((incident) => incident.type)
}

async function login(): Promise<string> {
  const body = 'username=alice&password=correct-horse-battery-staple'
  const { response } = await tlsPeer(proxy.port, pki.interceptionCa.pem, (socket) =>
    socket.write(
      `POST /login HTTP/1.1\r\nHost: bank.lab\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    ),
  )
  return response.split('\r\n')[0] ?? ''
}

describe('the proxy without its hello peek (mitmlab proxy defaults)', () => {
  it('intercepts a login', async () => {
    expect(await login()).toBe('HTTP/1.1 302 Found')
  })

  it('reports random bytes instead of a ClientHello as a failed handshake, once per peer', async () => {
    const types = await hostile(10, () => rawPeer(proxy.port, (socket) => socket.write(randomBytes(512))))
    expect(types.filter((type) => type === 'client-handshake-failed')).toHaveLength(10)
  })

  it('closes peers that send nothing within the hello timeout, with a hello-timeout incident', async () => {
    const started = Date.now()
    const types = await hostile(10, () => rawPeer(proxy.port, () => {}, 5_000))
    expect(types.filter((type) => type === 'hello-timeout')).toHaveLength(10)
    expect(Date.now() - started).toBeLessThan(3_000)
  })

  it('closes a slowloris that sends its hello one byte at a time', async () => {
    const types = await hostile(5, () => rawPeer(proxy.port, (socket) => dribble(socket, hello, 100), 5_000))
    expect(types.filter((type) => type === 'hello-timeout')).toHaveLength(5)
  })

  it('survives clients that vanish mid-handshake', async () => {
    await hostile(10, () =>
      rawPeer(proxy.port, (socket) => socket.end(hello.subarray(0, Math.floor(hello.length / 2)))),
    )
    expect(proxy.openConnections()).toBe(0)
  })

  it('is alive afterwards: no open connections, and a login is still intercepted', async () => {
    expect(proxy.openConnections()).toBe(0)
    expect(await login()).toBe('HTTP/1.1 302 Found')
  })
})
