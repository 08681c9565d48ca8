import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { chainPem, issueCertificate } from '../../../ca/index.js'
import { startGenuineServer, type GenuineServer } from '../../../server/genuine/genuine-server.js'
import type { ProxyFlow } from '../../../server/proxy/proxy-flow.js'
import { decodeBody, MAX_FLOW_BODY_BYTES } from '../../../server/proxy/proxy-flow.js'
import { startInterceptingProxy, type InterceptingProxy } from '../../../server/proxy/intercepting-proxy.js'
import { RequestRecorder } from '../../../server/proxy/request-recorder.js'
import { LabStore } from '../../../server/store/lab-store.js'
import { testPki } from '../../support/lab-pki.js'
import { resultFixture } from '../store/result-fixture.js'
import { servedCertificate } from './support/served-certificate.js'

const pki = testPki()
let genuine: GenuineServer | undefined
let proxy: InterceptingProxy | undefined

afterEach(async () => {
  await proxy?.close()
  await genuine?.close()
  proxy = undefined
  genuine = undefined
})

async function startLab(upstreamConnections: 'per-client' | 'pooled', mode: 'terminate' | 'passthrough' = 'terminate'): Promise<InterceptingProxy> {
  genuine = await startGenuineServer({ certificateChainPem: chainPem(pki.genuineLeaf, pki.trustedIntermediate), privateKeyPem: pki.genuineLeaf.key.privateKeyPem })
  const forged = issueCertificate({ subject: { CN: 'bank.lab' }, issuer: pki.interceptionCa, sans: [{ dns: 'bank.lab' }] })
  const served = servedCertificate(forged, pki.interceptionCa)
  proxy = await startInterceptingProxy({
    mode,
    upstreamConnections,
    upstream: { host: '127.0.0.1', port: genuine.port, caPem: pki.trustedRoot.pem },
    certificateFor: () => served,
  })
  return proxy
}

/** A victim trusting `ca` that sends the login form and then asks for its account with the session, on one connection. */
function loginAndAccount(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const form = 'username=alice&password=correct-horse-battery-staple'
    const socket = connect({ host: '127.0.0.1', port, servername: 'bank.lab', ca, ALPNProtocols: ['http/1.1'] }, () => {
      socket.write(
        `POST /login HTTP/1.1\r\nHost: bank.lab\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n\r\n${form}` +
          'GET /api/account HTTP/1.1\r\nHost: bank.lab\r\nCookie: session=not-a-session\r\nConnection: close\r\n\r\n',
      )
    })
    let text = ''
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
    socket.on('end', () => resolve(text))
    socket.on('error', reject)
  })
}

/** The parts of a flow a trainee reads, for one assertion per connection. */
function summary(flow: ProxyFlow): unknown {
  return {
    request: `${flow.request.leg} ${flow.request.method} ${flow.request.path}`,
    requestCredentialHeaders: flow.request.headers.filter((h) => h.isCredential).map((h) => `${h.name}: ${h.value}`),
    requestBody: flow.request.body === null ? null : { kind: flow.request.body.kind, fields: flow.request.body.fields },
    response: flow.response === null ? null : `${flow.response.leg} ${flow.response.status} ${flow.response.reason}`,
    responseCredentialHeaders: flow.response?.headers.filter((h) => h.isCredential).map((h) => h.name) ?? [],
    responseBodyKind: flow.response?.body?.kind ?? null,
  }
}

const EXPECTED_FLOWS = [
  {
    request: 'client → proxy POST /login',
    requestCredentialHeaders: [],
    requestBody: {
      kind: 'form',
      fields: [
        { name: 'username', value: 'alice', isCredential: true },
        { name: 'password', value: 'correct-horse-battery-staple', isCredential: true },
      ],
    },
    response: 'bank → proxy 302 Found',
    responseCredentialHeaders: ['Set-Cookie'],
    responseBodyKind: 'text',
  },
  {
    request: 'client → proxy GET /api/account',
    requestCredentialHeaders: ['Cookie: session=not-a-session'],
    requestBody: null,
    response: 'bank → proxy 401 Unauthorized',
    responseCredentialHeaders: [],
    responseBodyKind: 'json',
  },
]

describe('what the intercepting proxy read, as flows (issue 18 item 5)', () => {
  it.each(['per-client', 'pooled'] as const)('%s upstream: each request and its response, headers and decoded bodies, credentials flagged', async (upstreamConnections) => {
    const lab = await startLab(upstreamConnections)
    const answer = await loginAndAccount(lab.port, pki.interceptionCa.pem)
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 302 Found')
    await lab.whenIdle(2_000)
    const flows = lab.records[0]?.plaintext.flows ?? []
    expect(flows.map(summary)).toEqual(EXPECTED_FLOWS)
    // The JSON answer is decoded (and re-indented), not shown as bytes.
    expect(flows[1]?.response?.body?.text).toContain('\n  "error"')
  })

  it('a connection relayed as ciphertext has no flows', async () => {
    const lab = await startLab('per-client', 'passthrough')
    await loginAndAccount(lab.port, pki.trustedRoot.pem)
    await lab.whenIdle(2_000)
    expect(lab.records.map((record) => ({ mode: record.mode, flows: record.plaintext.flows ?? [] }))).toEqual([{ mode: 'passthrough', flows: [] }])
  })

  it('stores the flows in their own table and reads them back onto their connection', async () => {
    const lab = await startLab('pooled')
    await loginAndAccount(lab.port, pki.interceptionCa.pem)
    await lab.whenIdle(2_000)
    const dir = mkdtempSync(join(tmpdir(), 'mitmlab-flows-'))
    try {
      const store = new LabStore(join(dir, 'lab.sqlite'))
      const result = { ...resultFixture('run-flows', 0), connections: lab.records }
      store.createRun({ id: 'run-flows', trigger: 'test', options: {}, scenarioCount: 1 })
      const resultId = store.insertScenarioResult(result)
      const [stored] = store.getResults(result.runId)
      expect(stored?.connections[0]?.plaintext.flows).toEqual(lab.records[0]?.plaintext.flows)
      const row = store.db.prepare('SELECT record_json FROM connections WHERE result_id = ?').get(resultId) as { record_json: string }
      expect(row.record_json).not.toContain('"flows"')
      store.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('flow bodies', () => {
  it('keeps the first MAX_FLOW_BODY_BYTES and says the body was cut', () => {
    const size = MAX_FLOW_BODY_BYTES + 10
    const body = decodeBody(Buffer.alloc(MAX_FLOW_BODY_BYTES, 'a'), size, 'text/plain', '')
    expect({ kind: body?.kind, size: body?.size, truncated: body?.truncated, shown: body?.text?.length }).toEqual({ kind: 'text', size, truncated: true, shown: MAX_FLOW_BODY_BYTES })
  })

  it('a JSON login with a charset parameter is decoded and its credentials flagged, as the recorder lists them', () => {
    const plaintext = { requests: [], credentials: [], cookies: [] }
    const recorder = new RequestRecorder(plaintext)
    const raw = ['Host', 'bank.lab', 'Content-Type', 'Application/JSON; charset=utf-8']
    recorder.head('POST', '/login', (name) => (name === 'content-type' ? raw[3] : name === 'host' ? 'bank.lab' : undefined), raw)
    recorder.bodyChunk(Buffer.from('{"username":"alice","password":"pw","remember":true}'))
    recorder.end()
    const flow = (plaintext as { flows?: ProxyFlow[] }).flows?.[0]
    expect(flow?.request.body?.fields).toEqual([
      { name: 'username', value: 'alice', isCredential: true },
      { name: 'password', value: 'pw', isCredential: true },
    ])
    expect(plaintext.credentials).toEqual([
      { field: 'username', value: 'alice', path: '/login' },
      { field: 'password', value: 'pw', path: '/login' },
    ])
  })
})
