import { describe, expect, it } from 'vitest'
import { parseKeylog, secretsFor } from '../../../../server/tls/keylog/keylog-parse.js'

const random = 'aa'.repeat(32)
const secret32 = '11'.repeat(32)
const master48 = '22'.repeat(48)

describe('parseKeylog', () => {
  it('groups TLS 1.3 traffic secrets by client random', () => {
    const text = [
      `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${random} ${secret32}`,
      `SERVER_HANDSHAKE_TRAFFIC_SECRET ${random} ${'33'.repeat(32)}`,
      `CLIENT_TRAFFIC_SECRET_0 ${random} ${'44'.repeat(48)}`,
      `SERVER_TRAFFIC_SECRET_0 ${random} ${'55'.repeat(48)}`,
      '',
    ].join('\n')
    const keylog = parseKeylog(text)
    expect(keylog.errors).toEqual([])
    const secrets = secretsFor(keylog, Buffer.from(random, 'hex'))
    expect(Object.keys(secrets ?? {}).sort()).toEqual([
      'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
      'CLIENT_TRAFFIC_SECRET_0',
      'SERVER_HANDSHAKE_TRAFFIC_SECRET',
      'SERVER_TRAFFIC_SECRET_0',
    ])
    expect(secrets?.SERVER_TRAFFIC_SECRET_0?.length).toBe(48)
  })

  it('reads TLS 1.2 CLIENT_RANDOM master secrets from keylog event buffers, upper-case hex included', () => {
    const keylog = parseKeylog([Buffer.from(`CLIENT_RANDOM ${random.toUpperCase()} ${master48}\n`)])
    expect(secretsFor(keylog, Buffer.from(random, 'hex'))?.CLIENT_RANDOM?.toString('hex')).toBe(master48)
  })

  it('records malformed lines as errors with their line numbers and keeps the good ones', () => {
    const keylog = parseKeylog(
      [`# comment`, `CLIENT_RANDOM ${random}`, `BOGUS_LABEL ${random} ${secret32}`, `CLIENT_RANDOM abcd ${master48}`, `CLIENT_RANDOM ${random} zz${master48.slice(2)}`, `CLIENT_RANDOM ${random} ${master48}`].join('\r\n'),
    )
    expect(keylog.errors.map((e) => e.line)).toEqual([2, 3, 4, 5])
    expect(keylog.byClientRandom.size).toBe(1)
  })

  it('returns undefined for a connection that is not in the log', () => {
    expect(secretsFor(parseKeylog(''), Buffer.alloc(32))).toBeUndefined()
  })
})
