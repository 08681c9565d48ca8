import { describe, expect, it } from 'vitest'
import type { ConnectionRecord } from '../../../server/proxy/connection-record.js'
import { MAX_PLAINTEXT_ENTRIES, RequestRecorder } from '../../../server/proxy/request-recorder.js'

function plaintext(): ConnectionRecord['plaintext'] {
  return { requests: [], credentials: [], cookies: [] }
}

describe('RequestRecorder', () => {
  it('reads credentials out of urlencoded and JSON bodies, and the Authorization header', () => {
    const seen = plaintext()
    const recorder = new RequestRecorder(seen)
    const headers: Record<string, string> = {
      host: 'bank.lab',
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'Basic YTpi',
    }
    recorder.head('POST', '/login', (name) => headers[name])
    recorder.bodyChunk(Buffer.from('username=alice&pass'))
    recorder.bodyChunk(Buffer.from('word=s3cret&remember=1'))
    recorder.end()
    recorder.head('POST', '/api', (name) => (name === 'content-type' ? 'application/json' : undefined))
    recorder.bodyChunk(Buffer.from('{"email":"a@b.lab","otp":"123456","amount":5}'))
    recorder.end()
    expect(seen.requests).toEqual([
      { method: 'POST', path: '/login', host: 'bank.lab' },
      { method: 'POST', path: '/api', host: null },
    ])
    expect(seen.credentials).toEqual([
      { field: 'authorization', value: 'Basic YTpi', path: '/login' },
      { field: 'username', value: 'alice', path: '/login' },
      { field: 'password', value: 's3cret', path: '/login' },
      { field: 'email', value: 'a@b.lab', path: '/api' },
      { field: 'otp', value: '123456', path: '/api' },
    ])
  })

  it('keeps a long keep-alive connection bounded: the first entries of each list, no more', () => {
    const seen = plaintext()
    const recorder = new RequestRecorder(seen)
    for (let i = 0; i < MAX_PLAINTEXT_ENTRIES + 500; i++) {
      recorder.head('GET', `/page/${i}`, (name) => (name === 'cookie' ? `session=${i}` : undefined))
      recorder.end()
    }
    expect(seen.requests).toHaveLength(MAX_PLAINTEXT_ENTRIES)
    expect(seen.cookies).toHaveLength(MAX_PLAINTEXT_ENTRIES)
    expect(seen.requests[0]?.path).toBe('/page/0')
    // Past the cap requests are still counted: a record says how many the server was sent.
    expect(seen.requestsNotListed).toBe(500)
  })

  it('records a request once complete: a discarded one leaves nothing, a cut-off one leaves its head only', () => {
    const seen = plaintext()
    const recorder = new RequestRecorder(seen)
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: 'session=1',
      authorization: 'Basic YTpi',
    }
    recorder.head('POST', '/refused', (name) => headers[name])
    recorder.bodyChunk(Buffer.from('password=never-sent'))
    expect(seen).toEqual(plaintext())
    recorder.discard()
    recorder.end()
    expect(seen).toEqual(plaintext())
    recorder.head('POST', '/cut', (name) => headers[name])
    recorder.bodyChunk(Buffer.from('username=alice&password=half'))
    recorder.flush()
    expect(seen).toEqual({
      requests: [{ method: 'POST', path: '/cut', host: null }],
      credentials: [{ field: 'authorization', value: 'Basic YTpi', path: '/cut' }],
      cookies: ['session=1'],
      // The flow shows the part of the body the attacker read before the client vanished; /refused left none.
      flows: [
        {
          request: {
            leg: 'client → proxy',
            method: 'POST',
            path: '/cut',
            host: null,
            headers: [],
            body: {
              kind: 'form',
              contentType: 'application/x-www-form-urlencoded',
              size: 28,
              truncated: false,
              text: 'username=alice&password=half',
              fields: [
                { name: 'username', value: 'alice', isCredential: true },
                { name: 'password', value: 'half', isCredential: true },
              ],
            },
          },
          response: null,
        },
      ],
    })
  })
})
