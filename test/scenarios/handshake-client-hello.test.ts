import { describe, expect, it } from 'vitest'
import { clientHelloEditScenarios } from '../../scenarios/handshake/index.js'
import { catchingStepOf, connectionRow, playLive } from './handshake-support.js'

interface Row {
  row: Record<string, string>
  clientError: string
  note: RegExp
}

const TABLE: Record<string, Row> = {
  'client-hello-drop-strong-suites': {
    row: { PROTO: 'pass', HS: 'skip NOT_REACHED', FIN: 'fail TRANSCRIPT_MISMATCH', REC: 'skip NOT_REACHED' },
    clientError: 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC',
    note: /^edited ClientHello \(drop-cipher-suites\)/,
  },
  // TLS 1.2 with extended_master_secret: the bank cannot open the client's Finished and alerts.
  'client-hello-drop-strong-suites-tls12': {
    row: { PROTO: 'pass', HS: 'pass', FIN: 'fail TRANSCRIPT_MISMATCH', REC: 'skip NOT_REACHED' },
    clientError: 'ERR_SSL_SSL/TLS_ALERT_BAD_RECORD_MAC',
    note: /^edited ClientHello \(drop-cipher-suites\)/,
  },
  'client-hello-alpn-rewritten': {
    row: { PROTO: 'pass', HS: 'skip NOT_REACHED', FIN: 'fail TRANSCRIPT_MISMATCH', REC: 'skip NOT_REACHED' },
    clientError: 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC',
    note: /^edited ClientHello \(set-alpn\)/,
  },
  'client-hello-remove-tls13': {
    row: { PROTO: 'fail DOWNGRADE_SENTINEL', HS: 'skip NOT_REACHED', FIN: 'skip NOT_REACHED', REC: 'skip NOT_REACHED' },
    clientError: 'ERR_SSL_INAPPROPRIATE_FALLBACK',
    note: /^edited ClientHello \(remove-tls13\)/,
  },
}

describe('ClientHello edited in flight by a relay without keys, live', () => {
  it('has a row for every scenario of the family', () => {
    expect(Object.keys(TABLE).sort()).toEqual(clientHelloEditScenarios.map((s) => s.id).sort())
  })

  for (const scenario of clientHelloEditScenarios) {
    const expected = TABLE[scenario.id]
    it(`${scenario.id}: ${expected?.row['PROTO']?.startsWith('fail') === true ? 'PROTO DOWNGRADE_SENTINEL' : 'FIN TRANSCRIPT_MISMATCH'}, client error ${expected?.clientError ?? ''}`, async () => {
      if (expected === undefined) throw new Error(`no row for ${scenario.id}`)
      const result = await playLive(scenario)
      expect(result.error).toBeNull()
      expect(result.asExpected, result.mismatches.join('; ')).toBe(true)
      expect(connectionRow(result)).toEqual(expected.row)
      expect(result.client?.transport.error?.code).toBe(expected.clientError)
      const detectedBy = expected.clientError.includes('_ALERT_') ? 'peer' : 'client'
      expect(catchingStepOf(result)?.detail).toMatchObject({ clientError: expected.clientError, detectedBy })
      expect(catchingStepOf(result)?.detail?.['rawError']).toBe(result.client?.transport.error?.message)
      // The relay says what it edited, and never reached the application layer.
      const [connection] = result.connections
      expect(connection?.mode).toBe('passthrough')
      expect(connection?.error?.code).toBe('TAMPERED_EDIT_CLIENT_HELLO')
      expect(connection?.error?.message).toMatch(expected.note)
      expect(result.genuine.requests).toEqual([])
    })
  }

  it('client-hello-remove-tls13: the ServerHello the client decoded is TLS 1.2 with the DOWNGRD sentinel in its random', async () => {
    const scenario = clientHelloEditScenarios.find((s) => s.id === 'client-hello-remove-tls13')
    if (scenario === undefined) throw new Error('no remove-tls13 scenario')
    const result = await playLive(scenario)
    expect(result.client?.handshake?.downgradeSentinel).toBe('TLS12')
    expect(catchingStepOf(result)?.detail).toMatchObject({ sentinel: 'TLS12', negotiated: 'TLSv1.2' })
  })
})
