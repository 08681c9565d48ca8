import { describe, expect, it } from 'vitest'
import { directConnection } from '../../scenarios/attacks/direct-connection.js'
import { defineScenario } from '../../scenarios/define-scenario.js'
import { faithfulRelayScenarios } from '../../scenarios/handshake/index.js'
import type { ScenarioResult } from '../../server/lab/scenario-result.js'
import { connectionRow, playLive } from './handshake-support.js'

/** The victim's own handshake, decrypted with its key log: direction and message, in protocol order. */
function sequenceOf(result: ScenarioResult): string[] {
  return (result.client?.handshake?.messages ?? []).map((m) => `${m.direction === 'clientToServer' ? 'C' : 'S'} ${m.name}${m.encrypted ? ' (encrypted)' : ''}`)
}

const ALL_PASS = { PROTO: 'pass', HS: 'pass', FIN: 'pass', REC: 'pass' }

describe('the victim\'s own handshake, message by message', () => {
  it('a plain TLS 1.3 connection (direct-connection) is exactly the RFC 8446 §2 sequence, with the server\'s flight decrypted', async () => {
    const result = await playLive(directConnection)
    expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
    expect(sequenceOf(result)).toEqual([
      'C ClientHello',
      'S ServerHello',
      // Middlebox-compatibility dummies (RFC 8446 Appendix D.4).
      'S ChangeCipherSpec',
      'S EncryptedExtensions (encrypted)',
      'S Certificate (encrypted)',
      'S CertificateVerify (encrypted)',
      'S Finished (encrypted)',
      'C ChangeCipherSpec',
      'C Finished (encrypted)',
      // Node's server sends two session tickets after the handshake (RFC 8446 §4.6.1).
      'S NewSessionTicket (encrypted)',
      'S NewSessionTicket (encrypted)',
    ])
    const handshake = result.client?.handshake
    expect(handshake).toMatchObject({ version: 'TLSv1.3', sni: 'bank.lab', alpn: 'http/1.1', keyShareGroup: 'X25519MLKEM768', certificateCount: 2, errors: [] })
    expect(handshake?.finished).toEqual({ client: 'verified', server: 'verified' })
    expect(handshake?.totals.serverToClient).toMatchObject({ closeNotify: true, undecodedRecords: 0 })
    expect(connectionRow(result)).toEqual(ALL_PASS)
  })

  it('a plain TLS 1.2 connection is exactly the RFC 5246 §7.3 sequence, the ticket before the server\'s ChangeCipherSpec', async () => {
    const tls12 = defineScenario({
      ...directConnection,
      id: 'direct-connection-tls12',
      clientPolicy: () => ({ offerMaxVersion: 'TLSv1.2' }),
    })
    const result = await playLive(tls12)
    expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
    expect(sequenceOf(result)).toEqual([
      'C ClientHello',
      'S ServerHello',
      'S Certificate',
      'S ServerKeyExchange',
      'S ServerHelloDone',
      'C ClientKeyExchange',
      'C ChangeCipherSpec',
      'C Finished (encrypted)',
      'S NewSessionTicket',
      'S ChangeCipherSpec',
      'S Finished (encrypted)',
    ])
    const handshake = result.client?.handshake
    expect(handshake).toMatchObject({ version: 'TLSv1.2', cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', sni: 'bank.lab', errors: [] })
    // The bank is a TLS 1.3 server: it marks a 1.2 ServerHello (RFC 8446 §4.1.3), and a client that did not offer 1.3 accepts it.
    expect(handshake?.downgradeSentinel).toBe('TLS12')
    expect(handshake?.finished).toEqual({ client: 'verified', server: 'verified' })
    expect(connectionRow(result)).toEqual(ALL_PASS)
  })
})

describe('the faithful record relay (controls), live', () => {
  it.each(faithfulRelayScenarios.map((s) => [s.id, s] as const))('%s: every step passes, the login reaches the bank, the relay saw only ciphertext', async (_id, scenario) => {
    const result = await playLive(scenario)
    expect(result.error).toBeNull()
    expect({ verdict: result.verdict, step: result.catchingStep, leaked: result.leaked }).toEqual({ verdict: 'accept', step: null, leaked: false })
    expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
    expect(connectionRow(result)).toEqual(ALL_PASS)
    expect(result.client?.http?.status).toBe(302)
    expect(result.genuine.requests.map((r) => `${r.method} ${r.path} ${String(r.receivedCredentials)}`)).toEqual(['POST /login true'])
    const [connection] = result.connections
    expect(connection).toMatchObject({ mode: 'passthrough', outcome: 'passthrough', error: null, sni: 'bank.lab', negotiated: null })
    expect(connection?.plaintext).toEqual({ requests: [], credentials: [], cookies: [] })
    expect(connection?.bytes.fromClient).toBe(connection?.bytes.toUpstream)
    expect(connection?.bytes.fromUpstream).toBe(connection?.bytes.toClient)
  })
})
