import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { connect as netConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { chainPem, formatName, issueCertificate } from '../../../ca/index.js'
import { startGenuineServer, type GenuineServer } from '../../../server/genuine/genuine-server.js'
import { startInterceptingProxy, type InterceptingProxy } from '../../../server/proxy/intercepting-proxy.js'
import { testPki } from '../../support/lab-pki.js'
import { servedCertificate } from './support/served-certificate.js'

const pki = testPki()
const hasOpenssl = spawnSync('openssl', ['version']).status === 0
let genuine: GenuineServer | undefined
let proxy: InterceptingProxy | undefined

afterEach(async () => {
  await proxy?.close()
  await genuine?.close()
})

async function startLab(mode: 'terminate' | 'passthrough'): Promise<InterceptingProxy> {
  genuine = await startGenuineServer({
    certificateChainPem: chainPem(pki.genuineLeaf, pki.trustedIntermediate),
    privateKeyPem: pki.genuineLeaf.key.privateKeyPem,
  })
  const forged = issueCertificate({
    subject: { CN: 'bank.lab' },
    issuer: pki.interceptionCa,
    sans: [{ dns: 'bank.lab' }],
  })
  const served = servedCertificate(forged, pki.interceptionCa)
  proxy = await startInterceptingProxy({
    mode,
    upstream: { host: '127.0.0.1', port: genuine.port, caPem: pki.trustedRoot.pem },
    certificateFor: () => served,
  })
  return proxy
}

/** A victim that trusts `ca`, logs in, and returns the response status line. */
function login(port: number, ca: string): Promise<{ statusLine: string; authorized: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port, servername: 'bank.lab', ca, ALPNProtocols: ['http/1.1'] },
      () => {
        const body = 'username=alice&password=correct-horse-battery-staple'
        socket.write(
          `POST /login HTTP/1.1\r\nHost: bank.lab\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        )
      },
    )
    let text = ''
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
    socket.on('end', () =>
      resolve({ statusLine: text.split('\r\n')[0] ?? '', authorized: socket.authorized }),
    )
    socket.on('error', reject)
  })
}

describe('startInterceptingProxy', () => {
  it('terminates TLS with the forged chain, relays to the genuine server and reads the credentials', async () => {
    const lab = await startLab('terminate')
    const response = await login(lab.port, pki.interceptionCa.pem)
    await lab.whenIdle(2_000)
    expect(response.statusLine).toBe('HTTP/1.1 302 Found')
    expect(genuine?.requests.map((r) => `${r.method} ${r.path} ${r.receivedCredentials}`)).toEqual([
      'POST /login true',
    ])
    const [record] = lab.records
    expect(record).toMatchObject({
      sni: 'bank.lab',
      outcome: 'relayed',
      mode: 'terminate',
      negotiated: { version: 'TLSv1.3', alpn: 'http/1.1' },
      upstream: { version: 'TLSv1.3', error: null },
    })
    expect(record?.plaintext.credentials).toContainEqual({
      field: 'password',
      value: 'correct-horse-battery-staple',
      path: '/login',
    })
    expect(record?.offered?.alpn).toEqual(['http/1.1'])
    expect(record?.servedChain.map((c) => c.subject)).toEqual([
      'CN=bank.lab',
      formatName(pki.interceptionCa.subject),
    ])
  })

  it.skipIf(!hasOpenssl)(
    'records a client that refuses the forged certificate with its TLS alert',
    async () => {
      const lab = await startLab('terminate')
      const caFile = join(mkdtempSync(join(tmpdir(), 'mitmlab-proxy-')), 'root.pem')
      writeFileSync(caFile, pki.trustedRoot.pem)
      // openssl s_client verifies during the handshake and sends unknown_ca, as curl and browsers do.
      // Async: the proxy under test runs in this process, so a spawnSync would freeze it.
      const exitCode = await new Promise<number | null>((resolve) => {
        const child = spawn(
          'openssl',
          [
            's_client',
            '-connect',
            `127.0.0.1:${lab.port}`,
            '-servername',
            'bank.lab',
            '-CAfile',
            caFile,
            '-verify_return_error',
          ],
          { stdio: ['ignore', 'ignore', 'ignore'], timeout: 10_000 },
        )
        child.on('close', resolve)
      })
      expect(exitCode).not.toBe(0)
      await lab.whenIdle(2_000)
      expect(lab.records[0]).toMatchObject({
        outcome: 'client-rejected',
        clientAlert: 'unknown_ca',
        plaintext: { credentials: [] },
      })
      expect(genuine?.requests).toEqual([])
    },
  )

  it('records a Node client, which verifies after the handshake, hanging up without an alert or a request', async () => {
    const lab = await startLab('terminate')
    await expect(login(lab.port, pki.trustedRoot.pem)).rejects.toThrow(
      /self-signed certificate in certificate chain/,
    )
    await lab.whenIdle(2_000)
    expect(['client-hung-up', 'client-closed-after-handshake']).toContain(lab.records[0]?.outcome)
    expect(lab.records[0]).toMatchObject({ clientAlert: null, plaintext: { requests: [], credentials: [] } })
    expect(genuine?.requests).toEqual([])
  })

  it('relays ciphertext it cannot read in passthrough mode', async () => {
    const lab = await startLab('passthrough')
    const response = await login(lab.port, pki.trustedRoot.pem)
    await lab.whenIdle(2_000)
    expect(response).toEqual({ statusLine: 'HTTP/1.1 302 Found', authorized: true })
    expect(lab.records[0]).toMatchObject({
      outcome: 'passthrough',
      sni: 'bank.lab',
      plaintext: { requests: [], credentials: [] },
    })
    expect(lab.records[0]?.bytes.fromUpstream).toBeGreaterThan(1000)
  })

  it('survives garbage instead of a ClientHello and records why', async () => {
    const lab = await startLab('terminate')
    await new Promise<void>((resolve) => {
      const socket = netConnect(lab.port, '127.0.0.1', () =>
        socket.end('GET / HTTP/1.1\r\nHost: bank.lab\r\n\r\n'),
      )
      socket.on('close', () => resolve())
      socket.on('error', () => resolve())
    })
    await lab.whenIdle(2_000)
    expect(lab.records[0]?.outcome).toBe('handshake-failed')
    expect(lab.records[0]?.helloError).toMatch(/^NOT_TLS/)
    // Still serving afterwards.
    expect((await login(lab.port, pki.interceptionCa.pem)).statusLine).toBe('HTTP/1.1 302 Found')
  })
})
