import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import net from 'node:net'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createEngineServer } from '../../../../server/tls/engine/engine-server.js'
import type { EngineServer } from '../../../../server/tls/engine/engine-server.js'
import type { EngineOptions } from '../../../../server/tls/engine/engine-types.js'
import { decodeConnection } from '../../../../server/tls/handshake/decode-connection.js'
import { RSA_SIGNATURE_FAILURE_CODES } from '../../../../server/tls/handshake/client-error-kind.js'
import { handshakeSteps } from '../../../../server/tls/handshake/handshake-steps.js'
import { createTamperRelay } from '../../../../server/tls/tamper/tamper-relay.js'
import type { TamperRelay } from '../../../../server/tls/tamper/tamper-relay.js'
import { randomInt, seededRandom } from '../../../support/seeded-random.js'
import { makeTestPki } from '../support/test-pki.js'
import { connectClient } from './engine-client.js'
import type { TestPki } from '../support/test-pki.js'

describe('TLS 1.2 ECDHE-RSA engine', () => {
  let pki: TestPki
  let attackerKey: KeyObject
  let engine: EngineServer | undefined
  let relay: TamperRelay | undefined

  beforeAll(() => {
    pki = makeTestPki()
    attackerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  })

  afterEach(async () => {
    await relay?.close()
    await engine?.close()
    relay = undefined
    engine = undefined
  })

  const start = async (options: Partial<EngineOptions>): Promise<EngineServer> => {
    engine = await createEngineServer({
      certificateChain: pki.chainDer,
      signingKey: createPrivateKey(pki.leafKeyPem),
      respond: (data) => Buffer.from(`engine got: ${data.toString()}`),
      ...options,
    })
    return engine
  }

  it('completes a handshake with the matching key and exchanges an application record with a Node client (positive control)', async () => {
    const server = await start({})
    const client = await connectClient(pki, server.port)
    const outcome = await server.outcomes[0]
    expect(client.error).toBeUndefined()
    expect(client.secureConnected).toBe(true)
    expect(client.received).toBe('engine got: hello engine')
    expect(outcome).toMatchObject({ completed: true, stage: 'established', applicationRecords: 1, group: 'x25519', signatureScheme: 'rsa_pss_rsae_sha256' })
  })

  it('negotiates secp256r1 and rsa_pkcs1_sha256 when the client offers only those', async () => {
    const server = await start({})
    const client = await connectClient(pki, server.port, { ecdhCurve: 'prime256v1', sigalgs: 'RSA+SHA256' })
    expect(client.received).toBe('engine got: hello engine')
    expect(await server.outcomes[0]).toMatchObject({ completed: true, group: 'secp256r1', signatureScheme: 'rsa_pkcs1_sha256' })
  })

  it('is decoded by decodeConnection like any TLS 1.2 server, Finished messages verified', async () => {
    const server = await start({})
    relay = await createTamperRelay({ upstream: { host: server.host, port: server.port } })
    const client = await connectClient(pki, relay.port)
    const connection = relay.connections[0]
    if (!connection) throw new Error('no relayed connection')
    await connection.closed
    const transcript = decodeConnection({ ...connection.clientLeg(), keylog: client.keylog })
    expect(transcript.errors).toEqual([])
    expect(transcript.messages.map((m) => m.name)).toEqual([
      'ClientHello',
      'ServerHello',
      'Certificate',
      'ServerKeyExchange',
      'ServerHelloDone',
      'ClientKeyExchange',
      'ChangeCipherSpec',
      'Finished',
      'ChangeCipherSpec',
      'Finished',
    ])
    expect(transcript).toMatchObject({ version: 'TLSv1.2', certificateCount: 2, finished: { client: 'verified', server: 'verified' } })
  })

  it.each([
    ['rsa_pss_rsae_sha256', {}],
    ['rsa_pkcs1_sha256', { sigalgs: 'RSA+SHA256' }],
  ])("fails HS when it presents the genuine chain but signs ServerKeyExchange (%s) with its own key", async (scheme, clientOptions) => {
    // The client's signature check in OpenSSL's RSA layer; Node reports its first error.
    const server = await start({ signingKey: attackerKey })
    relay = await createTamperRelay({ upstream: { host: server.host, port: server.port } })
    const client = await connectClient(pki, relay.port, clientOptions)
    const outcome = await server.outcomes[0]
    expect(client.secureConnected).toBe(false)
    expect(RSA_SIGNATURE_FAILURE_CODES).toContain(client.error?.code)
    expect(outcome).toMatchObject({ completed: false, stage: 'client-key-exchange', failure: 'CLIENT_ALERT', clientAlert: 'decrypt_error' })
    const connection = relay.connections[0]
    if (!connection) throw new Error('no relayed connection')
    await connection.closed
    const transcript = decodeConnection({ ...connection.clientLeg(), keylog: client.keylog })
    const steps = handshakeSteps({ handshakeCompleted: client.secureConnected, clientError: client.error, streamEnded: client.ended, transcript })
    expect(steps.map((s) => [s.step, s.status, s.code])).toEqual([
      ['PROTO', 'pass', undefined],
      ['HS', 'fail', 'HANDSHAKE_SIGNATURE_INVALID'],
      ['FIN', 'skip', 'NOT_REACHED'],
      ['REC', 'skip', 'NOT_REACHED'],
    ])
    expect(steps[1]?.detail).toMatchObject({ signatureScheme: scheme, clientError: client.error?.code, detectedBy: 'client' })
    expect(transcript.alerts).toEqual([{ direction: 'clientToServer', level: 'fatal', description: 'decrypt_error', encrypted: false }])
  })

  it('refuses a client that offers no ECDHE-RSA-AES128-GCM suite with handshake_failure', async () => {
    const server = await start({})
    const client = await connectClient(pki, server.port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' })
    // OpenSSL 3.5's name for the alert (3.0 said ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE).
    expect(client.error?.code).toBe('ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE')
    expect(await server.outcomes[0]).toMatchObject({ completed: false, failure: 'NO_COMMON_CIPHER_SUITE' })
  })

  it('ends every connection with a failure value, never a crash, for 60 clients sending garbage (seed 99)', async () => {
    const server = await start({ timeoutMs: 2000 })
    const random = seededRandom(99)
    for (let i = 0; i < 60; i++) {
      const garbage = Buffer.from(Array.from({ length: 6 + randomInt(random, 300) }, () => randomInt(random, 256)))
      // Half of them look like a handshake record so the parser, not the framer, meets the garbage.
      if (i % 2 === 0) garbage.set([22, 3, 1, (garbage.length - 5) >> 8, (garbage.length - 5) & 0xff, 1], 0)
      const socket = net.connect(server.port, server.host)
      socket.on('error', () => undefined)
      socket.end(garbage)
    }
    await expect.poll(() => server.outcomes.length, { timeout: 5000 }).toBe(60)
    const outcomes = await Promise.all(server.outcomes)
    expect(outcomes.every((o) => !o.completed && o.failure !== undefined)).toBe(true)
    expect(new Set(outcomes.map((o) => o.failure))).toContain('MALFORMED_MESSAGE')
  })
})
