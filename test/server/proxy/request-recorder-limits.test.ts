import { describe, expect, it } from 'vitest'
import type { ConnectionRecord } from '../../../server/proxy/connection-record.js'
import { RequestRecorder } from '../../../server/proxy/request-recorder.js'

/*
 * What the recorder keeps is bounded: 16 KiB of each body, 1,000 entries per list and
 * connection. The limits are written out here (not imported): a changed limit must show.
 */

function plaintext(): ConnectionRecord['plaintext'] {
  return { requests: [], credentials: [], cookies: [] }
}

function form(seen: ConnectionRecord['plaintext'], chunks: string[]): void {
  const recorder = new RequestRecorder(seen)
  recorder.head('POST', '/login', (name) => (name === 'content-type' ? 'application/x-www-form-urlencoded' : undefined))
  for (const chunk of chunks) recorder.bodyChunk(Buffer.from(chunk))
  recorder.end()
}

describe('RequestRecorder limits', () => {
  const tail = '&password=s3cret'
  const filler = (total: number): string => `a=${'x'.repeat(total - 2 - tail.length)}`

  it('reads a body of exactly 16,384 bytes whole', () => {
    const seen = plaintext()
    form(seen, [filler(16_384) + tail])
    expect(seen.credentials).toEqual([{ field: 'password', value: 's3cret', path: '/login' }])
  })

  it('keeps only the first 16,384 bytes of a longer body, across chunks', () => {
    const seen = plaintext()
    const body = filler(16_385) + tail
    form(seen, [body.slice(0, 10_000), body.slice(10_000, 16_383), body.slice(16_383)])
    expect(seen.credentials).toEqual([{ field: 'password', value: 's3cre', path: '/login' }])
  })

  it('starts every request with an empty body, whatever the previous one kept', () => {
    const seen = plaintext()
    const recorder = new RequestRecorder(seen)
    const formType = (name: string): string | undefined => (name === 'content-type' ? 'application/x-www-form-urlencoded' : undefined)
    recorder.head('POST', '/big', formType)
    recorder.bodyChunk(Buffer.from(filler(20_000)))
    recorder.end()
    recorder.head('POST', '/login', formType)
    recorder.bodyChunk(Buffer.from(filler(16_384) + tail))
    recorder.end()
    expect(seen.credentials).toEqual([{ field: 'password', value: 's3cret', path: '/login' }])
  })

  it('keeps 1,000 requests and cookies per connection, the first ones', () => {
    const seen = plaintext()
    const recorder = new RequestRecorder(seen)
    for (let i = 0; i < 1_001; i++) {
      recorder.head('GET', `/page/${i}`, (name) => (name === 'cookie' ? `session=${i}` : undefined))
      recorder.end()
    }
    expect(seen.requests).toHaveLength(1_000)
    expect(seen.cookies).toHaveLength(1_000)
    expect([seen.requests[999]?.path, seen.cookies[999]]).toEqual(['/page/999', 'session=999'])
  })

  it('keeps 200 flows per connection, the first ones, and counts the rest', () => {
    const seen = plaintext()
    const recorder = new RequestRecorder(seen)
    for (let i = 0; i < 203; i++) {
      recorder.head('GET', `/page/${i}`, () => undefined)
      recorder.end()
    }
    expect(seen.flows).toHaveLength(200)
    expect([seen.flows?.[0]?.request.path, seen.flows?.[199]?.request.path]).toEqual(['/page/0', '/page/199'])
    expect(seen.flowsNotListed).toBe(3)
    // The request list has its own, larger bound: all 203 are listed.
    expect(seen.requests).toHaveLength(203)
  })

  it('ignores body bytes, ends and flushes with no request staged (after a discard), recording nothing', () => {
    const seen = plaintext()
    const recorder = new RequestRecorder(seen)
    recorder.head('POST', '/login', (name) => (name === 'content-type' ? 'application/x-www-form-urlencoded' : undefined))
    recorder.discard()
    recorder.bodyChunk(Buffer.from('password=s3cret'))
    recorder.end()
    recorder.flush()
    expect(seen).toEqual({ requests: [], credentials: [], cookies: [] })
  })

  it('reads no field, and does not throw, out of JSON bodies that are not objects', () => {
    for (const body of ['null', '"password=s3cret"', '42', '[{"password":"s3cret"}]', '{"password":']) {
      const seen = plaintext()
      const recorder = new RequestRecorder(seen)
      recorder.head('POST', '/api/login', (name) => (name === 'content-type' ? 'application/json' : undefined))
      recorder.bodyChunk(Buffer.from(body))
      expect(() => recorder.end()).not.toThrow()
      expect(seen.credentials).toEqual([])
      expect(seen.requests).toHaveLength(1)
    }
  })

  it('records no cookie and no credential for a request without Cookie, Authorization or body', () => {
    const seen = plaintext()
    const recorder = new RequestRecorder(seen)
    recorder.head('GET', '/', (name) => (name === 'host' ? 'bank.lab' : undefined))
    recorder.end()
    expect(seen).toEqual({
      requests: [{ method: 'GET', path: '/', host: 'bank.lab' }],
      credentials: [],
      cookies: [],
      // The flow (issue 18 item 5): no raw head was handed over here, and no body came.
      flows: [{ request: { leg: 'client → proxy', method: 'GET', path: '/', host: 'bank.lab', headers: [], body: null }, response: null }],
    })
  })

  it('reads only secret and user fields, by whole name and in any case', () => {
    const seen = plaintext()
    form(seen, ['PASSWORD=a&pwd=b&pin=c&OTP=d&token=e&secret=f&passwd=g&pass=h&Email=i&login=j&account=k&user=l&passwords=x&username2=y&note=z'])
    expect(seen.credentials.map((c) => `${c.field}=${c.value}`)).toEqual([
      'PASSWORD=a', 'pwd=b', 'pin=c', 'OTP=d', 'token=e', 'secret=f', 'passwd=g', 'pass=h', 'Email=i', 'login=j', 'account=k', 'user=l',
    ])
  })
})
