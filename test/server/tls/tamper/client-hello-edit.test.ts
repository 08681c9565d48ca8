import { beforeAll, describe, expect, it } from 'vitest'
import { clientHelloFields } from '../../../../server/tls/handshake/message-fields.js'
import { parseClientHelloBody, serializeClientHelloBody } from '../../../../server/tls/handshake/hello-structure.js'
import { splitRecords } from '../../../../server/tls/records/record-splitter.js'
import { STRONGEST_SUITES, editClientHelloMessage } from '../../../../server/tls/tamper/client-hello-edit.js'
import { makeTestPki } from '../support/test-pki.js'
import { runExchange } from '../support/tls-exchange.js'

let hello: Buffer

beforeAll(async () => {
  const out = await runExchange({ pki: makeTestPki(), client: { ALPNProtocols: ['h2', 'http/1.1'] } })
  const first = splitRecords(out.connection.fromClient.bytes).records[0]
  if (!first) throw new Error('no ClientHello captured')
  hello = first.payload
})

const fieldsOf = (message: Buffer): ReturnType<typeof clientHelloFields> => clientHelloFields(message.subarray(4))

describe('editClientHelloMessage on a real Node ClientHello', () => {
  it('re-serialises an unedited hello byte for byte', () => {
    const body = hello.subarray(4)
    expect(serializeClientHelloBody(parseClientHelloBody(body)).equals(body)).toBe(true)
  })

  it('drops the strongest suites and fixes every length', () => {
    const edited = editClientHelloMessage(hello, [{ kind: 'drop-cipher-suites', suites: STRONGEST_SUITES }])
    if (!edited.ok) throw new Error(edited.reason)
    expect(edited.message.readUIntBE(1, 3)).toBe(edited.message.length - 4)
    const suites = fieldsOf(edited.message)['cipherSuites']
    expect(suites).toContain('TLS_AES_128_GCM_SHA256')
    expect(suites).not.toContain('TLS_AES_256_GCM_SHA384')
    expect(suites).not.toContain('TLS_CHACHA20_POLY1305_SHA256')
    expect(suites).not.toContain('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384')
  })

  it('removes only TLS 1.3 from supported_versions', () => {
    const edited = editClientHelloMessage(hello, [{ kind: 'remove-tls13' }])
    if (!edited.ok) throw new Error(edited.reason)
    expect(fieldsOf(hello)['supportedVersions']).toEqual(['TLSv1.3', 'TLSv1.2'])
    expect(fieldsOf(edited.message)['supportedVersions']).toEqual(['TLSv1.2'])
  })

  it('replaces the ALPN list and keeps the other extensions in order', () => {
    const edited = editClientHelloMessage(hello, [{ kind: 'set-alpn', protocols: ['http/1.1'] }])
    if (!edited.ok) throw new Error(edited.reason)
    expect(fieldsOf(edited.message)['alpn']).toEqual(['http/1.1'])
    expect(fieldsOf(edited.message)['extensions']).toEqual(fieldsOf(hello)['extensions'])
  })

  it('returns a reason, not a throw, for a truncated or foreign message', () => {
    expect(editClientHelloMessage(hello.subarray(0, 60), [{ kind: 'remove-tls13' }])).toMatchObject({ ok: false, reason: expect.stringMatching(/^truncated: ClientHello declares/) })
    const lying = Buffer.concat([Buffer.from([1, 0, 0, 40]), hello.subarray(4, 44)])
    expect(editClientHelloMessage(lying, [{ kind: 'remove-tls13' }])).toEqual({ ok: false, reason: 'truncated: legacy_session_id' })
    expect(editClientHelloMessage(Buffer.from([2, 0, 0, 0]), [])).toEqual({ ok: false, reason: 'not a ClientHello' })
  })
})
