import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createEngineServer } from '../../../../server/tls/engine/engine-server.js'
import type { EngineServer } from '../../../../server/tls/engine/engine-server.js'
import { decodeConnection } from '../../../../server/tls/handshake/decode-connection.js'
import { RSA_SIGNATURE_FAILURE_CODES } from '../../../../server/tls/handshake/client-error-kind.js'
import { handshakeSteps } from '../../../../server/tls/handshake/handshake-steps.js'
import { createTamperRelay } from '../../../../server/tls/tamper/tamper-relay.js'
import type { TamperRelay } from '../../../../server/tls/tamper/tamper-relay.js'
import { makeTestPki } from '../support/test-pki.js'
import type { TestPki } from '../support/test-pki.js'
import { connectClient } from './engine-client.js'

describe('TLS 1.3 engine', () => {
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

  const start = async (signingKey: KeyObject): Promise<{ engine: EngineServer; relay: TamperRelay }> => {
    engine = await createEngineServer({ version: 'TLSv1.3', certificateChain: pki.chainDer, signingKey, respond: (d) => Buffer.from(`engine got: ${d.toString()}`) })
    relay = await createTamperRelay({ upstream: { host: engine.host, port: engine.port } })
    return { engine, relay }
  }

  it('completes a TLS 1.3 handshake with the matching key and exchanges application data (positive control)', async () => {
    const { engine, relay } = await start(createPrivateKey(pki.leafKeyPem))
    const client = await connectClient(pki, relay.port)
    expect(client.error).toBeUndefined()
    expect(client.received).toBe('engine got: hello engine')
    expect(await engine.outcomes[0]).toMatchObject({ completed: true, stage: 'established', applicationRecords: 1 })
    const connection = relay.connections[0]
    if (!connection) throw new Error('no relayed connection')
    await connection.closed
    const transcript = decodeConnection({ ...connection.clientLeg(), keylog: client.keylog })
    expect(transcript.errors).toEqual([])
    expect(transcript.messages.map((m) => m.name)).toEqual([
      'ClientHello',
      'ServerHello',
      'ChangeCipherSpec',
      'EncryptedExtensions',
      'Certificate',
      'CertificateVerify',
      'Finished',
      'ChangeCipherSpec',
      'Finished',
    ])
    expect(transcript).toMatchObject({ version: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', certificateCount: 2, finished: { client: 'verified', server: 'verified' } })
  })

  it("fails HS when CertificateVerify is signed with the proxy's own key under the genuine chain", async () => {
    const { engine, relay } = await start(attackerKey)
    const client = await connectClient(pki, relay.port)
    expect(client.secureConnected).toBe(false)
    // OpenSSL's RSA-PSS check fails in the RSA layer; Node reports that first error.
    expect(RSA_SIGNATURE_FAILURE_CODES).toContain(client.error?.code)
    // OpenSSL installs its handshake write key only after the server Finished, so this alert is plaintext.
    expect(await engine.outcomes[0]).toMatchObject({ completed: false, failure: 'CLIENT_ALERT', clientAlert: 'decrypt_error' })
    const connection = relay.connections[0]
    if (!connection) throw new Error('no relayed connection')
    await connection.closed
    const transcript = decodeConnection({ ...connection.clientLeg(), keylog: client.keylog })
    const steps = handshakeSteps({ handshakeCompleted: false, clientError: client.error, streamEnded: client.ended, transcript })
    expect(steps.map((s) => [s.step, s.status, s.code])).toEqual([
      ['PROTO', 'pass', undefined],
      ['HS', 'fail', 'HANDSHAKE_SIGNATURE_INVALID'],
      ['FIN', 'skip', 'NOT_REACHED'],
      ['REC', 'skip', 'NOT_REACHED'],
    ])
    expect(transcript.alerts).toEqual([{ direction: 'clientToServer', level: 'fatal', description: 'decrypt_error', encrypted: false }])
  })
})
