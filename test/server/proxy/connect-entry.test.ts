import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { chainPem } from '../../../ca/index.js'
import { isLabTarget } from '../../../server/cli/proxy-command.js'
import { startGenuineServer, type GenuineServer } from '../../../server/genuine/genuine-server.js'
import type { ProxyIncident } from '../../../server/proxy/intercepting-proxy.js'
import { createForgedCertificates } from '../../../server/proxy/forged-certificates.js'
import { startInterceptingProxy, type InterceptingProxy } from '../../../server/proxy/intercepting-proxy.js'
import { testPki } from '../../support/lab-pki.js'

const pki = testPki()
let genuine: GenuineServer | undefined
let proxy: InterceptingProxy | undefined
const incidents: ProxyIncident[] = []

afterEach(async () => {
  await proxy?.close()
  await genuine?.close()
  incidents.length = 0
})

async function startConnectProxy(maxConnections?: number): Promise<InterceptingProxy> {
  genuine = await startGenuineServer({
    certificateChainPem: chainPem(pki.genuineLeaf, pki.trustedIntermediate),
    privateKeyPem: pki.genuineLeaf.key.privateKeyPem,
  })
  proxy = await startInterceptingProxy({
    mode: 'terminate',
    entry: 'http-connect',
    upstream: { host: '127.0.0.1', port: 1, caPem: pki.trustedRoot.pem },
    isConnectTargetAllowed: isLabTarget,
    connectUpstream: 'with-hello',
    certificateFor: createForgedCertificates({ ca: pki.interceptionCa, defaultHost: 'localhost' })
      .certificateFor,
    onIncident: (incident) => incidents.push(incident),
    ...(maxConnections === undefined ? {} : { maxConnections }),
  })
  return proxy
}

/** Sends `head` and returns the proxy's status line and the socket, paused right after the reply head. */
function sendHead(port: number, head: string): Promise<{ status: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1', () => socket.write(head))
    let text = ''
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1')
      if (!text.includes('\r\n\r\n')) return
      socket.off('data', onData)
      socket.pause()
      resolve({ status: text.split('\r\n')[0] ?? '', socket })
    }
    socket.on('data', onData)
    socket.on('error', reject)
    socket.on('close', () => resolve({ status: text.split('\r\n')[0] ?? '', socket }))
  })
}

describe('startInterceptingProxy with the HTTP CONNECT entry', () => {
  it('answers CONNECT with 200, forges for the SNI, and relays to the CONNECT target', async () => {
    const lab = await startConnectProxy()
    const port = genuine?.port ?? 0
    const { status, socket } = await sendHead(
      lab.port,
      `CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
    )
    expect(status).toBe('HTTP/1.1 200 Connection Established')
    const response = await new Promise<string>((resolve, reject) => {
      const tls = tlsConnect(
        { socket, servername: 'bank.lab', ca: pki.interceptionCa.pem, ALPNProtocols: ['http/1.1'] },
        () => tls.write('GET / HTTP/1.1\r\nHost: bank.lab\r\nConnection: close\r\n\r\n'),
      )
      let text = ''
      tls.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
      tls.on('end', () => resolve(text))
      tls.on('error', reject)
    })
    expect(response.split('\r\n')[0]).toMatch(/^HTTP\/1\.1 (200|302)/)
    await lab.whenIdle(2_000)
    expect(lab.records[0]).toMatchObject({
      connectTarget: `127.0.0.1:${port}`,
      sni: 'bank.lab',
      outcome: 'relayed',
      upstream: { error: null },
    })
    expect(lab.records[0]?.servedChain[0]?.subject).toBe('CN=bank.lab')
    expect(lab.records[0]?.plaintext.requests).toEqual([{ method: 'GET', path: '/', host: 'bank.lab' }])
  })

  it('answers a request that is not CONNECT with 400 and records why', async () => {
    const lab = await startConnectProxy()
    const { status } = await sendHead(lab.port, 'GET http://bank.lab/ HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
    expect(status).toBe('HTTP/1.1 400 Bad Request')
    await lab.whenIdle(2_000)
    expect(lab.records[0]).toMatchObject({
      outcome: 'handshake-failed',
      helloError: expect.stringMatching(/^CONNECT_NOT_CONNECT:/),
    })
    expect(incidents.map((i) => i.type)).toEqual(['connect-not-connect'])
  })

  it('refuses a CONNECT to a host outside the lab with 403', async () => {
    const lab = await startConnectProxy()
    const { status } = await sendHead(
      lab.port,
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    )
    expect(status).toBe('HTTP/1.1 403 Forbidden')
    await lab.whenIdle(2_000)
    expect(lab.records[0]).toMatchObject({ outcome: 'refused', connectTarget: 'example.com:443' })
    expect(incidents.map((i) => i.type)).toEqual(['connect-target-refused'])
  })

  it('refuses connections past maxConnections and records each refusal', async () => {
    const lab = await startConnectProxy(1)
    // The proxy's own answer to the first CONNECT proves it holds that connection: no timed wait.
    const first = await sendHead(lab.port, `CONNECT 127.0.0.1:${genuine?.port ?? 0} HTTP/1.1\r\n\r\n`)
    expect(first.status).toBe('HTTP/1.1 200 Connection Established')
    const { status } = await sendHead(lab.port, 'CONNECT 127.0.0.1:1 HTTP/1.1\r\n\r\n')
    expect(status).toBe('')
    first.socket.destroy()
    await lab.whenIdle(2_000)
    expect(lab.records.find((r) => r.outcome === 'refused')).toMatchObject({
      error: { code: 'CONNECTION_LIMIT' },
    })
    expect(incidents.filter((i) => i.type === 'connection-limit')).toHaveLength(1)
  })
})

describe('isLabTarget', () => {
  it('allows loopback and lab names only', () => {
    expect(
      ['127.0.0.1', '127.9.9.9', '::1', 'localhost', 'bank.lab', 'x.test', 'a.localhost'].every(isLabTarget),
    ).toBe(true)
    expect(['10.0.0.1', '8.8.8.8', 'example.com', 'lab', '::2', 'bank.lab.evil.com'].some(isLabTarget)).toBe(
      false,
    )
  })
})
