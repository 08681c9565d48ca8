import { describe, expect, it } from 'vitest'
import { recordTamperingScenarios } from '../../scenarios/handshake/index.js'
import type { ScenarioResult } from '../../server/lab/scenario-result.js'
import { catchingStepOf, connectionRow, playLive } from './handshake-support.js'

const HANDSHAKE_INTACT = { PROTO: 'pass', HS: 'pass', FIN: 'pass' }

interface Row {
  row: Record<string, string>
  /** The client's TLS error as Node reported it; null when Node saw no error at all. */
  clientError: string | null
  /** Where it surfaced: during the handshake, or on the login exchange. */
  surfaced: 'handshake' | 'login'
  relayError: string
}

const TABLE: Record<string, Row> = {
  'record-bit-flip': { row: { ...HANDSHAKE_INTACT, REC: 'fail RECORD_MAC_FAILED' }, clientError: 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC', surfaced: 'login', relayError: 'TAMPERED_FLIP_BIT' },
  // OpenSSL 3's GCM provider reports the TLS 1.2 tag failure under this name.
  'record-bit-flip-tls12': { row: { ...HANDSHAKE_INTACT, REC: 'fail RECORD_MAC_FAILED' }, clientError: 'ERR_SSL_CIPHER_OPERATION_FAILED', surfaced: 'login', relayError: 'TAMPERED_FLIP_BIT' },
  'record-inject': { row: { ...HANDSHAKE_INTACT, REC: 'fail RECORD_MAC_FAILED' }, clientError: 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC', surfaced: 'login', relayError: 'TAMPERED_INJECT' },
  'record-reorder': { row: { ...HANDSHAKE_INTACT, REC: 'fail RECORD_MAC_FAILED' }, clientError: 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC', surfaced: 'login', relayError: 'TAMPERED_REORDER' },
  'record-truncation': { row: { ...HANDSHAKE_INTACT, REC: 'fail TRUNCATED_WITHOUT_CLOSE_NOTIFY' }, clientError: null, surfaced: 'login', relayError: 'TAMPERED_TRUNCATE' },
  'early-ccs-tls12': { row: { PROTO: 'pass', HS: 'fail UNEXPECTED_MESSAGE', FIN: 'skip NOT_REACHED', REC: 'skip NOT_REACHED' }, clientError: 'ERR_SSL_UNEXPECTED_MESSAGE', surfaced: 'handshake', relayError: 'TAMPERED_EARLY_CCS' },
  // TLS 1.3 has no heartbeat: OpenSSL refuses the record type itself.
  'heartbeat-probe': { row: { PROTO: 'pass', HS: 'fail UNEXPECTED_MESSAGE', FIN: 'skip NOT_REACHED', REC: 'skip NOT_REACHED' }, clientError: 'ERR_SSL_BAD_RECORD_TYPE', surfaced: 'handshake', relayError: 'TAMPERED_HEARTBEAT_REQUEST' },
  'early-ccs-tls13': { row: { ...HANDSHAKE_INTACT, REC: 'pass' }, clientError: null, surfaced: 'login', relayError: 'TAMPERED_EARLY_CCS' },
}

/** The TLS error the client met: from the handshake (transport) or, after it, in the catching step's detail. */
function clientErrorOf(result: ScenarioResult, row: Row): string | null {
  if (row.surfaced === 'handshake') return result.client?.transport.error?.code ?? null
  const detail = result.steps.find((step) => step.step === 'REC')?.detail
  return typeof detail?.['clientError'] === 'string' ? detail['clientError'] : null
}

describe('records tampered by a relay without keys, and records injected into the handshake, live', () => {
  it('has a row for every scenario of the family', () => {
    expect(Object.keys(TABLE).sort()).toEqual(recordTamperingScenarios.map((s) => s.id).sort())
  })

  for (const scenario of recordTamperingScenarios) {
    const expected = TABLE[scenario.id]
    it(`${scenario.id}: ${scenario.expect.step === null ? 'accepted' : `caught by ${scenario.expect.step} ${scenario.expect.code ?? ''}`}, client error ${expected?.clientError ?? 'none'}`, async () => {
      if (expected === undefined) throw new Error(`no row for ${scenario.id}`)
      const result = await playLive(scenario)
      expect(result.error).toBeNull()
      expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
      expect(connectionRow(result)).toEqual(expected.row)
      expect(clientErrorOf(result, expected)).toBe(expected.clientError)
      const catching = catchingStepOf(result)
      if (expected.clientError !== null) expect(catching?.detail).toMatchObject({ clientError: expected.clientError, detectedBy: 'client', rawError: expect.any(String) })
      // A relay without keys never reads the login, whatever it does to the records.
      expect(result.leaked).toBe(false)
      expect(result.connections[0]?.error?.code).toBe(expected.relayError)
      expect(result.connections[0]?.plaintext).toEqual({ requests: [], credentials: [], cookies: [] })
    })
  }

  it('record-truncation: the login reached the bank, the response never reached the client, and Node itself saw a clean end', async () => {
    const scenario = recordTamperingScenarios.find((s) => s.id === 'record-truncation')
    if (scenario === undefined) throw new Error('no truncation scenario')
    const result = await playLive(scenario)
    expect(result.genuine.requests.map((r) => `${r.method} ${r.path} ${String(r.receivedCredentials)}`)).toEqual(['POST /login true'])
    expect(result.client?.http).toMatchObject({ sentCredentials: true, status: null, error: 'The server closed the connection before a response' })
    // Node's own view: nothing went wrong.
    expect(result.node).toEqual({ authorized: true, error: null })
    expect(result.client?.handshake?.totals.serverToClient).toMatchObject({ closeNotify: false, applicationRecords: 0, undecodedRecords: 0 })
    expect(catchingStepOf(result)?.detail).toMatchObject({ clientError: null, closeNotify: false, nodeSaw: 'end of stream, no error' })
  })

  it('record-bit-flip: the login reached the bank; the client refused the tampered response instead of reading it', async () => {
    const scenario = recordTamperingScenarios.find((s) => s.id === 'record-bit-flip')
    if (scenario === undefined) throw new Error('no bit-flip scenario')
    const result = await playLive(scenario)
    expect(result.genuine.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /login'])
    expect(result.client?.http?.status).toBeNull()
    expect(result.client?.http?.error).toMatch(/bad record mac/)
    // Node's own stack raises the same error to any application reading the socket.
    expect(result.node).toEqual({ authorized: false, error: 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC' })
    expect(result.connections[0]?.error?.message).toMatch(/^flipped bit 0 of byte \d+ in serverToClient application record 0$/)
  })
})
