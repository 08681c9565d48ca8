import { describe, expect, it } from 'vitest'
import type { ConnectionRecord } from '../../../server/proxy/connection-record.js'
import { HttpSniffer, type SnifferGiveUp } from '../../../server/proxy/http-sniffer.js'
import { MAX_PLAINTEXT_ENTRIES } from '../../../server/proxy/request-recorder.js'

// The per-client sniffer on its own (issue 17 item 1): what it records from a decrypted client stream
// pushed read by read. End to end against the genuine server: test/robustness/proxy-framing-matrix.test.ts.

const BODY = 'username=alice&password=s3cret'
const FORM = 'Content-Type: application/x-www-form-urlencoded\r\n'

function sniff(reads: string[]): {
  plaintext: ConnectionRecord['plaintext']
  gaveUp: { type: SnifferGiveUp; message: string }[]
  insideBody: boolean
} {
  const plaintext: ConnectionRecord['plaintext'] = { requests: [], credentials: [], cookies: [] }
  const gaveUp: { type: SnifferGiveUp; message: string }[] = []
  const sniffer = new HttpSniffer(plaintext, { onGiveUp: (type, message) => gaveUp.push({ type, message }) })
  for (const read of reads) sniffer.push(Buffer.from(read, 'latin1'))
  return { plaintext, gaveUp, insideBody: sniffer.isInsideBody() }
}

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: bank.lab\r\n\r\n`
const paths = (plaintext: ConnectionRecord['plaintext']): string[] =>
  plaintext.requests.map((request) => `${request.method} ${request.path}`)

describe('HttpSniffer', () => {
  it('reads a chunked login, its chunks split across reads', () => {
    const message = `POST /login HTTP/1.1\r\nHost: bank.lab\r\n${FORM}Transfer-Encoding: chunked\r\n\r\n5\r\nusern\r\n${(BODY.length - 5).toString(16)}\r\n${BODY.slice(5)}\r\n0\r\n\r\n`
    const { plaintext, gaveUp, insideBody } = sniff([message.slice(0, 70), message.slice(70, 101), message.slice(101)])
    expect(paths(plaintext)).toEqual(['POST /login'])
    expect(plaintext.credentials).toEqual([
      { field: 'username', value: 'alice', path: '/login' },
      { field: 'password', value: 's3cret', path: '/login' },
    ])
    expect(gaveUp).toEqual([])
    expect(insideBody).toBe(false)
  })

  it('reads every pipelined request of one read: 64 GETs and a login, then 2,000 GETs (counted past the cap)', () => {
    const login = `POST /login HTTP/1.1\r\nHost: bank.lab\r\n${FORM}Content-Length: ${BODY.length}\r\n\r\n${BODY}`
    const many = sniff([Array.from({ length: 64 }, (_, i) => get(`/${i}`)).join('') + login])
    expect(many.plaintext.requests).toHaveLength(65)
    expect(many.plaintext.credentials.map((credential) => credential.field)).toEqual(['username', 'password'])
    expect(many.insideBody).toBe(false)
    const pipelined = sniff([Array.from({ length: 2_000 }, (_, i) => get(`/${i}`)).join('')])
    expect(pipelined.plaintext.requests).toHaveLength(MAX_PLAINTEXT_ENTRIES)
    expect(pipelined.plaintext.requestsNotListed).toBe(2_000 - MAX_PLAINTEXT_ENTRIES)
  })

  it('records nothing from framing llhttp refuses, and says why', () => {
    const { plaintext, gaveUp } = sniff([
      `POST /login HTTP/1.1\r\nHost: bank.lab\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${get('/account')}`,
    ])
    expect(plaintext).toEqual({ requests: [], credentials: [], cookies: [] })
    expect(gaveUp.map((entry) => entry.type)).toEqual(['http-request-invalid'])
    expect(gaveUp[0]?.message).toMatch(/HPE_INVALID_TRANSFER_ENCODING/)
  })

  it('drops the rest of the read after an Upgrade request, as the genuine server does, and reads the next read', () => {
    const upgrade = `GET /up HTTP/1.1\r\nHost: bank.lab\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`
    const { plaintext } = sniff([upgrade + get('/dropped'), get('/next')])
    expect(paths(plaintext)).toEqual(['GET /up', 'GET /next'])
  })

  it('records neither a CONNECT nor what follows it, nor requests the origin refuses on their head', () => {
    expect(paths(sniff([`CONNECT bank.lab:443 HTTP/1.1\r\nHost: bank.lab\r\n\r\n`, get('/after')]).plaintext)).toEqual([])
    const refused = sniff([`GET /no-host HTTP/1.1\r\n\r\n${get('/after-1')}`, `GET /expect HTTP/1.1\r\nHost: bank.lab\r\nExpect: foo\r\n\r\n${get('/after-2')}`])
    expect(paths(refused.plaintext)).toEqual(['GET /after-1', 'GET /after-2'])
  })

  it('is inside a body until its last byte; a head past the limit stops it', () => {
    const cut = sniff([`POST /login HTTP/1.1\r\nHost: bank.lab\r\n${FORM}Content-Length: 1000\r\n\r\n${BODY}`])
    expect(cut.insideBody).toBe(true)
    expect(cut.plaintext.requests).toEqual([])
    const huge = sniff([`GET / HTTP/1.1\r\nHost: bank.lab\r\nX-Filler: ${'f'.repeat(70 * 1024)}\r\n\r\n`])
    expect(huge.gaveUp.map((entry) => entry.type)).toEqual(['http-head-too-large'])
  })
})
