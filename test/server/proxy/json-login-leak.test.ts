import { connect } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { chainPem, issueCertificate } from '../../../ca/index.js'
import { judgeResult } from '../../../scenarios/judge-result.js'
import type { Scenario } from '../../../scenarios/define-scenario.js'
import { startGenuineServer, type GenuineServer } from '../../../server/genuine/genuine-server.js'
import type { ConnectionRecord } from '../../../server/proxy/connection-record.js'
import { startInterceptingProxy, type InterceptingProxy } from '../../../server/proxy/intercepting-proxy.js'
import { RequestRecorder } from '../../../server/proxy/request-recorder.js'
import { testPki } from '../../support/lab-pki.js'
import { servedCertificate } from './support/served-certificate.js'

/*
 * A JSON login is a leak whatever the Content-Type's parameters or case (RFC 9110 §8.3.1:
 * media types are case-insensitive; `; charset=utf-8` is what most clients send).
 */

const LOGIN = { username: 'alice', password: 'correct-horse-battery-staple' }

function recorded(contentType: string, body: string): ConnectionRecord['plaintext']['credentials'] {
  const plaintext: ConnectionRecord['plaintext'] = { requests: [], credentials: [], cookies: [] }
  const recorder = new RequestRecorder(plaintext)
  recorder.head('POST', '/login', (name) => (name === 'content-type' ? contentType : name === 'host' ? 'bank.lab' : undefined))
  recorder.bodyChunk(Buffer.from(body))
  recorder.end()
  return plaintext.credentials
}

describe('RequestRecorder reads a JSON login whatever the Content-Type spelling', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8', 'Application/JSON', 'application/vnd.api+json'])('%s', (contentType) => {
    expect(recorded(contentType, JSON.stringify(LOGIN))).toEqual([
      { field: 'username', value: 'alice', path: '/login' },
      { field: 'password', value: 'correct-horse-battery-staple', path: '/login' },
    ])
  })

  it('reads a form login with a charset parameter too', () => {
    expect(recorded('application/x-www-form-urlencoded; charset=utf-8', new URLSearchParams(LOGIN).toString())).toEqual([
      { field: 'username', value: 'alice', path: '/login' },
      { field: 'password', value: 'correct-horse-battery-staple', path: '/login' },
    ])
  })

  it('reads nothing from JSON that is not an object, or not JSON', () => {
    expect(recorded('application/json', '["password", "x"]')).toEqual([])
    expect(recorded('application/json', '{"password": 12345}')).toEqual([])
    expect(recorded('application/json; charset=utf-8', '{"password": "x"')).toEqual([])
  })
})

const pki = testPki()
let genuine: GenuineServer | undefined
let proxy: InterceptingProxy | undefined

afterEach(async () => {
  await proxy?.close()
  await genuine?.close()
  proxy = undefined
  genuine = undefined
})

async function startLab(upstreamConnections: 'per-client' | 'pooled'): Promise<InterceptingProxy> {
  genuine = await startGenuineServer({ certificateChainPem: chainPem(pki.genuineLeaf, pki.trustedIntermediate), privateKeyPem: pki.genuineLeaf.key.privateKeyPem })
  const forged = issueCertificate({ subject: { CN: 'bank.lab' }, issuer: pki.interceptionCa, sans: [{ dns: 'bank.lab' }] })
  const served = servedCertificate(forged, pki.interceptionCa)
  proxy = await startInterceptingProxy({
    mode: 'terminate',
    upstreamConnections,
    upstream: { host: '127.0.0.1', port: genuine.port, caPem: pki.trustedRoot.pem },
    certificateFor: () => served,
  })
  return proxy
}

/** A victim that trusts the interception CA and posts its login as JSON with a charset. */
function postJsonLogin(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(LOGIN)
    const socket = connect({ host: '127.0.0.1', port, servername: 'bank.lab', ca: pki.interceptionCa.pem, ALPNProtocols: ['http/1.1'] }, () => {
      socket.write(
        `POST /login HTTP/1.1\r\nHost: bank.lab\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      )
    })
    let text = ''
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
    socket.on('end', () => resolve(text.split('\r\n')[0] ?? ''))
    socket.on('error', reject)
  })
}

const uncatchable: Scenario = {
  id: 'json-login-through-installed-ca',
  title: 'JSON login through an installed interception CA',
  explanation: 'test',
  references: [],
  tags: [],
  kind: 'attack',
  topology: { kind: 'direct' },
  expect: { verdict: 'accept', step: null },
}

describe('a JSON login with "; charset=utf-8" through the intercepting proxy', () => {
  it.each(['per-client', 'pooled'] as const)('%s upstream: the bank logs it in, the proxy reads it, the judge counts it as leaked', async (upstreamConnections) => {
    const lab = await startLab(upstreamConnections)
    expect(await postJsonLogin(lab.port)).toBe('HTTP/1.1 302 Found')
    await lab.whenIdle(2_000)
    expect(genuine?.requests.map((r) => `${r.method} ${r.path} ${r.receivedCredentials}`)).toEqual(['POST /login true'])
    expect(lab.records[0]?.plaintext.credentials).toEqual([
      { field: 'username', value: 'alice', path: '/login' },
      { field: 'password', value: 'correct-horse-battery-staple', path: '/login' },
    ])
    const judged = judgeResult({
      scenario: uncatchable,
      position: { runId: 'json', ordinal: 0 },
      client: null,
      error: null,
      connections: lab.records,
      genuineRequests: [],
      startedAt: new Date('2026-11-24T09:30:00Z'),
      durationMs: 1,
    })
    expect(judged.leaked).toBe(true)
  })
})
