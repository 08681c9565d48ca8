import { execFile } from 'node:child_process'
import { once } from 'node:events'
import { createServer as createHttpServer } from 'node:http'
import { request } from 'node:https'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { createSecureContext, TLSSocket } from 'node:tls'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueCertificate } from '../../../ca/index.js'
import { detectInterception } from '../../../server/fingerprint/detect-interception.js'
import { fingerprintStep } from '../../../server/fingerprint/fingerprint-step.js'
import { readClientHello } from '../../../server/tls/client-hello/read-client-hello.js'
import type { ClientHello } from '../../../server/tls/client-hello/types.js'
import type { StepResult } from '../../../server/steps/step-result.js'
import { isInstalled } from './live-hello.js'

/**
 * The detector wired the way the genuine server will use it: peek the raw hello,
 * hand the socket to TLS, then judge the hello against the request's claim.
 */
async function startFingerprintingServer(): Promise<Server> {
  const leaf = issueCertificate({ subject: { CN: 'bank.lab' }, sans: [{ dns: 'bank.lab' }] })
  const secureContext = createSecureContext({ cert: leaf.pem, key: leaf.key.privateKeyPem })
  const hellos = new WeakMap<object, ClientHello>()
  const http = createHttpServer((req, res) => {
    const hello = hellos.get(req.socket)
    const claim = { clientId: header(req.headers['x-mitmlab-client']), userAgent: req.headers['user-agent'] }
    const step = hello === undefined ? null : fingerprintStep(detectInterception(hello, claim))
    res.setHeader('content-type', 'application/json').end(JSON.stringify(step))
  })
  const server = createServer((socket) => {
    socket.on('error', () => undefined)
    void readClientHello(socket, { timeoutMs: 5000 }).then(({ hello, bytes }) => {
      if (!hello.ok) return socket.destroy()
      socket.unshift(bytes)
      const tlsSocket = new TLSSocket(socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] })
      tlsSocket.on('error', () => undefined)
      hellos.set(tlsSocket, hello.hello)
      http.emit('connection', tlsSocket)
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return server
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function getStep(port: number, headers: Record<string, string>): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, servername: 'bank.lab', rejectUnauthorized: false, headers, agent: false }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve(JSON.parse(body) as StepResult))
    })
    req.on('error', reject).end()
  })
}

describe('a fingerprinting HTTPS server (peek, TLS, judge the claim)', () => {
  let server: Server
  let port = 0
  beforeAll(async () => {
    server = await startFingerprintingServer()
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => {
    server.close()
  })

  it('passes FP for node:https that names itself with x-mitmlab-client', async () => {
    expect(await getStep(port, { 'x-mitmlab-client': 'node-https' })).toMatchObject({ step: 'FP', status: 'pass' })
  })

  it('fails FP with INTERCEPTION_DETECTED when node:https claims to be curl', async () => {
    const step = await getStep(port, { 'user-agent': 'curl/7.88.1' })
    expect(step).toMatchObject({ step: 'FP', status: 'fail', code: 'INTERCEPTION_DETECTED', detail: { matchedClient: 'node-tls' } })
  })

  it.skipIf(!isInstalled('curl'))('passes FP for real curl, judged by its User-Agent', async () => {
    const { stdout } = await promisify(execFile)('curl', ['-sk', '--resolve', `bank.lab:${port}:127.0.0.1`, `https://bank.lab:${port}/`], { timeout: 10_000 })
    expect(JSON.parse(stdout)).toMatchObject({ step: 'FP', status: 'pass' })
  })
})
