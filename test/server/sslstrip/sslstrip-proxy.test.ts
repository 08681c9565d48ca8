import { request } from 'node:http'
import { connect } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chainPem } from '../../../ca/index.js'
import { startGenuineServer, type GenuineServer } from '../../../server/genuine/genuine-server.js'
import { startPlainHttpRedirector, type PlainHttpRedirector } from '../../../server/sslstrip/plain-http-redirector.js'
import { startSslstripProxy, type SslstripProxy } from '../../../server/sslstrip/sslstrip-proxy.js'
import { stripHttpsLinks, stripSecureFlag } from '../../../server/sslstrip/strip-rewrites.js'
import { testPki } from '../../support/lab-pki.js'

const pki = testPki()

interface Fetched {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function get(port: number, path: string, method = 'GET', body = ''): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port, path, method, headers: { Host: 'bank.lab', 'Content-Type': 'application/x-www-form-urlencoded', Connection: 'close' } },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (text += chunk))
        response.once('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }))
      },
    )
    outgoing.once('error', reject)
    outgoing.end(body)
  })
}

describe('the sslstrip proxy', () => {
  let genuine: GenuineServer
  let redirector: PlainHttpRedirector
  let proxy: SslstripProxy
  beforeAll(async () => {
    genuine = await startGenuineServer({ certificateChainPem: chainPem(pki.genuineLeaf, pki.trustedIntermediate), privateKeyPem: pki.genuineLeaf.key.privateKeyPem })
    redirector = await startPlainHttpRedirector({ httpsHost: 'bank.lab' })
    proxy = await startSslstripProxy({
      siteHost: 'bank.lab',
      upstreamHttp: redirector,
      upstreamHttps: { host: genuine.host, port: genuine.port, caPem: pki.trustedRoot.pem },
      stripUpgradeHeaders: true,
    })
  })
  afterAll(async () => {
    await proxy.close()
    await Promise.all([redirector.close(), genuine.close()])
  })

  it('rewrites the genuine redirect to http, then serves the https page over http with its links stripped, and reads the login', async () => {
    const first = await get(proxy.port, '/')
    expect(first.status).toBe(301)
    expect(first.headers.location).toBe('http://bank.lab/')
    const home = await get(proxy.port, '/')
    expect(home.status).toBe(200)
    expect(home.body).toContain('href="http://bank.lab/login"')
    expect(home.headers['strict-transport-security']).toBeUndefined()
    const login = await get(proxy.port, '/login')
    expect(login.body).toContain('action="http://bank.lab/login"')
    const posted = await get(proxy.port, '/login', 'POST', 'username=alice&password=correct-horse-battery-staple')
    expect(posted.status).toBe(302)
    expect(posted.headers.location).toBe('http://bank.lab/account')
    expect(String(posted.headers['set-cookie'])).not.toMatch(/Secure/i)
    await proxy.whenIdle(1_000)
    expect(proxy.records.flatMap((r) => r.plaintext.credentials.map((c) => c.value))).toContain('correct-horse-battery-staple')
    // The bank saw an ordinary https login: the attacker relayed it over TLS.
    expect(genuine.requests.some((r) => r.method === 'POST' && r.receivedCredentials)).toBe(true)
    expect(redirector.requests).toEqual([{ method: 'GET', path: '/' }])
  })

  it('relays TLS untouched: a client going straight to https reaches the genuine certificate', async () => {
    const fingerprint = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: proxy.port, servername: 'bank.lab', ca: pki.trustedRoot.pem }, () => {
        resolve(socket.getPeerCertificate().fingerprint256)
        socket.destroy()
      })
      socket.once('error', reject)
    })
    expect(fingerprint).toBe(new (await import('node:crypto')).X509Certificate(pki.genuineLeaf.der).fingerprint256)
    await proxy.whenIdle(1_000)
    expect(proxy.records.at(-1)?.mode).toBe('passthrough')
  })
})

describe('strip rewrites', () => {
  it('rewrites https links and lists what it stripped', () => {
    expect(stripHttpsLinks('<a href="https://bank.lab/login?x=1">')).toEqual({ text: '<a href="http://bank.lab/login?x=1">', stripped: ['bank.lab/login'] })
  })
  it('drops the Secure cookie attribute wherever it stands', () => {
    expect(stripSecureFlag('session=1; Path=/; Secure; HttpOnly')).toBe('session=1; Path=/; HttpOnly')
    expect(stripSecureFlag('session=1; secure')).toBe('session=1')
  })
})
