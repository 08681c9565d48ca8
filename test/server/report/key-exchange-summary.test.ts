import { describe, expect, it } from 'vitest'
import { describeKeyExchange, keyExchangeLegs } from '../../../server/report/key-exchange-summary.js'
import type { ScenarioResult } from '../../../server/lab/scenario-result.js'

type Input = Pick<ScenarioResult, 'client' | 'connections'>
const client = (group: string | null): Input['client'] => ({ tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', group, alpn: 'http/1.1', servername: 'bank.lab' } }) as Input['client']
const connection = (clientLeg: string | undefined, upstream: string | undefined): Input['connections'][number] =>
  ({
    mode: 'terminate',
    negotiated: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', alpn: null, ...(clientLeg === undefined ? {} : { group: clientLeg }) },
    upstream: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', error: null, ...(upstream === undefined ? {} : { group: upstream }) },
  }) as Input['connections'][number]

describe('the key-exchange summary of a result', () => {
  it('names the victim leg as to the bank when no proxy terminated TLS', () => {
    expect(describeKeyExchange({ client: client('X25519MLKEM768'), connections: [] })).toBe('victim ↔ bank X25519MLKEM768 (hybrid)')
  })
  it("puts the victim's own leg first, then the proxy's upstream leg", () => {
    expect(keyExchangeLegs({ client: client('X25519MLKEM768'), connections: [connection('X25519MLKEM768', 'x25519')] })).toEqual([
      { leg: 'victim ↔ proxy', group: 'X25519MLKEM768', kind: 'hybrid' },
      { leg: 'proxy ↔ bank', group: 'x25519', kind: 'classical' },
    ])
  })
  it("uses the proxy's measurement of the client leg only for a client that reported none (a real client)", () => {
    expect(describeKeyExchange({ client: null, connections: [connection('x25519', 'X25519MLKEM768')] })).toBe(
      'client ↔ proxy x25519 (classical) · proxy ↔ bank X25519MLKEM768 (hybrid)',
    )
  })
  it('says nothing when nothing was measured', () => {
    expect(describeKeyExchange({ client: client(null), connections: [connection(undefined, undefined)] })).toBeNull()
  })
})
