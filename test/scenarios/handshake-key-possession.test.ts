import { describe, expect, it } from 'vitest'
import { keyPossessionScenarios } from '../../scenarios/handshake/index.js'
import { RSA_SIGNATURE_FAILURE_CODES } from '../../server/tls/handshake/index.js'
import { catchingStepOf, connectionRow, playLive } from './handshake-support.js'

/** OpenSSL reports a foreign RSA signature by whichever RSA check its random value trips first. */
const SIGNATURE_FAILURES = ['ERR_SSL_BAD_SIGNATURE', ...RSA_SIGNATURE_FAILURE_CODES]

describe('key possession: the genuine chain served with the attacker\'s signing key, live', () => {
  it.each([
    ['key-possession-tls12', 'ServerKeyExchange'],
    ['key-possession-tls13', 'CertificateVerify'],
  ])('%s: caught by HS HANDSHAKE_SIGNATURE_INVALID with the client\'s own RSA error, after a genuine %s', async (id, signedMessage) => {
    const scenario = keyPossessionScenarios.find((s) => s.id === id)
    if (scenario === undefined) throw new Error(`no scenario ${id}`)
    const result = await playLive(scenario)
    expect(result.error).toBeNull()
    expect({ verdict: result.verdict, step: result.catchingStep, code: result.code, leaked: result.leaked }).toEqual({
      verdict: 'reject',
      step: 'HS',
      code: 'HANDSHAKE_SIGNATURE_INVALID',
      leaked: false,
    })
    expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
    expect(connectionRow(result)).toEqual({ PROTO: 'pass', HS: 'fail HANDSHAKE_SIGNATURE_INVALID', FIN: 'skip NOT_REACHED', REC: 'skip NOT_REACHED' })
    const clientError = result.client?.transport.error?.code
    expect(SIGNATURE_FAILURES).toContain(clientError)
    expect(catchingStepOf(result)?.detail).toMatchObject({ clientError, detectedBy: 'client', rawError: result.client?.transport.error?.message })
    // The client decoded the signed message it refused: the genuine certificate came with it.
    expect(result.client?.handshake?.messages.map((m) => m.name)).toContain(signedMessage)
    expect(result.client?.handshake?.certificateCount).toBe(2)
    // The engine saw the client abort with decrypt_error (RFC 8446 §6.2) and never reached the bank.
    expect(result.connections).toHaveLength(1)
    expect(result.connections[0]).toMatchObject({ mode: 'terminate', outcome: 'client-rejected', clientAlert: 'decrypt_error' })
    expect(result.genuine.requests).toEqual([])
  })
})
