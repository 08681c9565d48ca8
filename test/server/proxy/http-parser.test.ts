import { describe, expect, it } from 'vitest'
import {
  headerValue,
  HttpParser,
  MAX_HEAD_BYTES,
  type MessageHead,
  type ParseResult,
} from '../../../server/proxy/http-parser.js'

/** What one parser reported, in the order it reported it. */
interface Observed {
  events: string[]
  heads: MessageHead[]
  bodies: string[]
  results: ParseResult[]
  parser: HttpParser
}

/**
 * Feeds `parts` to a fresh parser, one execute() per part, and collects what it
 * reported. `bodyFor` answers onHead (a response parser is told when the request was HEAD).
 */
function parse(
  kind: 'request' | 'response',
  parts: string | string[],
  bodyFor: (head: MessageHead) => 'body' | 'no-body' = () => 'body',
): Observed {
  const events: string[] = []
  const heads: MessageHead[] = []
  const bodies: string[] = []
  const parser = new HttpParser(kind, {
    onHead: (head) => {
      heads.push(head)
      bodies.push('')
      events.push(`head ${head.method ?? head.statusCode ?? '?'}`)
      return bodyFor(head)
    },
    onBody: (chunk) => {
      const last = bodies.length - 1
      bodies[last] = (bodies[last] ?? '') + chunk.toString('latin1')
      events.push(`body ${chunk.length}`)
    },
    onComplete: () => events.push('complete'),
  })
  const results = (Array.isArray(parts) ? parts : [parts]).map((part) =>
    parser.execute(Buffer.from(part, 'latin1')),
  )
  return { events, heads, bodies, results, parser }
}

/** Alternating names and values, as llhttp hands them over. */
function manyHeaders(count: number): string[] {
  const raw: string[] = []
  for (let i = 0; i < count; i++) raw.push(`X-Field-${i}`, `value ${i}`)
  return raw
}

function headText(raw: readonly string[]): string {
  let text = ''
  for (let i = 0; i + 1 < raw.length; i += 2) text += `${raw[i] ?? ''}: ${raw[i + 1] ?? ''}\r\n`
  return text
}

describe('HttpParser', () => {
  it('reports a simple request head with names and values as received, case and order kept', () => {
    const text = 'GET /a?b=c HTTP/1.1\r\nHost: bank.lab\r\nX-MiXeD-Case: Keep Me\r\naccept: */*\r\n\r\n'
    const { heads, events, results } = parse('request', text)
    expect(results).toEqual([{ ok: true, bytes: text.length }])
    expect(events).toEqual(['head GET', 'complete'])
    expect(heads[0]).toEqual({
      versionMajor: 1,
      versionMinor: 1,
      rawHeaders: ['Host', 'bank.lab', 'X-MiXeD-Case', 'Keep Me', 'accept', '*/*'],
      method: 'GET',
      url: '/a?b=c',
      statusCode: null,
      statusMessage: null,
      upgrade: false,
      shouldKeepAlive: true,
    })
  })

  it('hands over every field of a head with more than 32 of them, in order (llhttp flushes those in batches)', () => {
    // 40 fields: past 32 llhttp's binding flushes early batches through kOnHeaders and passes
    // undefined headers and URL to kOnHeadersComplete; the parser must stitch them back together.
    const raw = ['Host', 'bank.lab', ...manyHeaders(40)]
    const { heads, results } = parse('request', `GET /many/fields?x=1 HTTP/1.1\r\n${headText(raw)}\r\n`)
    expect(results[0]?.ok).toBe(true)
    expect(heads).toHaveLength(1)
    expect(heads[0]?.rawHeaders).toEqual(raw)
    expect(heads[0]?.url).toBe('/many/fields?x=1')
    expect(heads[0]?.method).toBe('GET')
  })

  it('hands over a response head with more than 32 fields, with its status', () => {
    const raw = manyHeaders(70)
    const { heads } = parse('response', `HTTP/1.1 404 Not Here\r\n${headText(raw)}Content-Length: 0\r\n\r\n`)
    expect(heads[0]?.rawHeaders).toEqual([...raw, 'Content-Length', '0'])
    expect(heads[0]).toMatchObject({ statusCode: 404, statusMessage: 'Not Here', url: null, method: null })
  })

  it('assembles a head split byte by byte across execute() calls, many fields included', () => {
    const raw = ['Host', 'bank.lab', ...manyHeaders(36)]
    const text = `POST /split/url/that/is/long?q=${'x'.repeat(50)} HTTP/1.1\r\n${headText(raw)}Content-Length: 5\r\n\r\nhello`
    const { heads, bodies, events, results } = parse('request', text.split(''))
    expect(results.every((result) => result.ok)).toBe(true)
    expect(results.reduce((sum, result) => sum + (result.ok ? result.bytes : 0), 0)).toBe(text.length)
    expect(heads).toHaveLength(1)
    expect(heads[0]?.url).toBe(`/split/url/that/is/long?q=${'x'.repeat(50)}`)
    expect(heads[0]?.rawHeaders).toEqual([...raw, 'Content-Length', '5'])
    expect(bodies).toEqual(['hello'])
    expect(events.at(-1)).toBe('complete')
    expect(events.filter((event) => event === 'complete')).toHaveLength(1)
  })

  it('reports pipelined messages in one buffer one after the other', () => {
    const text =
      'GET /first HTTP/1.1\r\nHost: a\r\n\r\n' +
      'POST /second HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc' +
      'DELETE /third HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'
    const { heads, bodies, events, results } = parse('request', text)
    expect(results).toEqual([{ ok: true, bytes: text.length }])
    expect(heads.map((head) => `${head.method} ${head.url} ${head.shouldKeepAlive}`)).toEqual([
      'GET /first true',
      'POST /second true',
      'DELETE /third false',
    ])
    expect(bodies).toEqual(['', 'abc', ''])
    expect(events).toEqual([
      'head GET',
      'complete',
      'head POST',
      'body 3',
      'complete',
      'head DELETE',
      'complete',
    ])
  })

  it("takes a response to HEAD as bodiless when told 'no-body', whatever its Content-Length, and parses the next one", () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'
    const told = parse('response', text, (head) => (head.statusCode === 200 ? 'no-body' : 'body'))
    expect(told.results).toEqual([{ ok: true, bytes: text.length }])
    expect(told.events).toEqual(['head 200', 'complete', 'head 204', 'complete'])
    expect(told.heads.map((head) => head.statusCode)).toEqual([200, 204])
    // The control: not told, llhttp takes the next response's first five bytes for this one's body.
    const untold = parse('response', text)
    expect(untold.bodies[0]).toBe('HTTP/')
    expect(untold.heads).toHaveLength(1)
  })

  it('knows interim, 204 and 304 responses carry no body', () => {
    const text =
      'HTTP/1.1 100 Continue\r\n\r\n' +
      'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n' +
      'HTTP/1.1 204 No Content\r\n\r\n' +
      'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n' +
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'
    const { heads, bodies, results } = parse('response', text)
    expect(results).toEqual([{ ok: true, bytes: text.length }])
    expect(heads.map((head) => head.statusCode)).toEqual([100, 103, 204, 304, 200])
    expect(bodies).toEqual(['', '', '', '', 'ok'])
  })

  it('hands a chunked body over de-chunked through onBody, extensions and trailers dropped', () => {
    const parts = [
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhel',
      'lo\r\n',
      '7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n',
    ]
    const { bodies, events, results } = parse('response', parts)
    expect(results.every((result) => result.ok)).toBe(true)
    expect(bodies).toEqual(['hello, world'])
    expect(events[0]).toBe('head 200')
    expect(events.at(-1)).toBe('complete')
    // Nothing completes before the last chunk.
    expect(events.indexOf('complete')).toBe(events.length - 1)
  })

  it('reports an Upgrade head and stops where the other protocol begins', () => {
    const head = 'GET /chat HTTP/1.1\r\nHost: bank.lab\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n'
    const { heads, results } = parse('request', `${head}PAYLOAD NOT HTTP`)
    expect(heads[0]?.upgrade).toBe(true)
    expect(results).toEqual([{ ok: true, bytes: head.length }])
  })

  it('returns parse errors with llhttp codes instead of throwing', () => {
    expect(parse('request', 'NOT HTTP\r\n\r\n').results[0]).toMatchObject({
      ok: false,
      code: 'HPE_INVALID_METHOD',
    })
    // The smuggling shapes strict llhttp refuses (RFC 9112 §6.3, §11.2).
    const both =
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'
    expect(parse('request', both).results[0]).toMatchObject({
      ok: false,
      code: 'HPE_INVALID_TRANSFER_ENCODING',
    })
    const twoLengths = 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx'
    expect(parse('request', twoLengths).results[0]).toMatchObject({
      ok: false,
      code: 'HPE_UNEXPECTED_CONTENT_LENGTH',
    })
    const folded = 'GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n'
    expect(parse('request', folded).results[0]).toMatchObject({
      ok: false,
      code: expect.stringMatching(/^HPE_/),
    })
    const bareLf = 'GET / HTTP/1.1\nHost: a\n\n'
    expect(parse('request', bareLf).results[0]).toMatchObject({
      ok: false,
      code: expect.stringMatching(/^HPE_/),
    })
    const garbageResponse = parse('response', 'SSH-2.0-OpenSSH_9.6\r\n')
    expect(garbageResponse.results[0]).toMatchObject({
      ok: false,
      code: expect.stringMatching(/^HPE_/),
      reason: expect.any(String),
    })
    expect(garbageResponse.heads).toEqual([])
  })

  it('reports the byte where parsing failed', () => {
    const valid = 'GET /ok HTTP/1.1\r\nHost: a\r\n\r\n'
    const { heads, results } = parse('request', `${valid}\x01\x02 / HTTP/1.1\r\n\r\n`)
    expect(heads.map((head) => head.url)).toEqual(['/ok'])
    const result = results[0]
    expect(result?.ok).toBe(false)
    if (result?.ok !== false) return
    expect(result.bytesParsed).toBe(valid.length)
  })

  it(`refuses a head larger than MAX_HEAD_BYTES (${MAX_HEAD_BYTES})`, () => {
    const { results, heads } = parse(
      'request',
      `GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n\r\n`,
    )
    expect(results[0]).toMatchObject({ ok: false, code: 'HPE_HEADER_OVERFLOW' })
    expect(heads).toEqual([])
  })

  it('completes a close-delimited response at finish()', () => {
    const { parser, events, bodies, heads } = parse('response', [
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, ',
      'part two',
    ])
    // No length, no chunking: the body ends when the connection does (RFC 9112 §6.3, last rule).
    expect(heads[0]?.shouldKeepAlive).toBe(false)
    expect(events).not.toContain('complete')
    expect(parser.finish()).toEqual({ ok: true, bytes: 0 })
    expect(events.at(-1)).toBe('complete')
    expect(bodies).toEqual(['part one, part two'])
  })

  it('reports a body cut short by the close as an error at finish()', () => {
    const { parser, events } = parse('response', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')
    expect(parser.finish()).toMatchObject({ ok: false, code: 'HPE_INVALID_EOF_STATE' })
    expect(events).not.toContain('complete')
  })

  it('accepts finish() between messages', () => {
    const { parser, events } = parse('response', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    expect(parser.finish()).toEqual({ ok: true, bytes: 0 })
    expect(events).toEqual(['head 200', 'body 2', 'complete'])
  })

  it('reports whether the connection stays open after each message', () => {
    const cases: [string, boolean][] = [
      ['GET / HTTP/1.1\r\nHost: a\r\n\r\n', true],
      ['GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', false],
      ['GET / HTTP/1.0\r\nHost: a\r\n\r\n', false],
      ['GET / HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n', true],
    ]
    for (const [text, keepsAlive] of cases) {
      const { heads } = parse('request', text)
      expect({ text, keepsAlive: heads[0]?.shouldKeepAlive }).toEqual({ text, keepsAlive })
    }
    expect(parse('request', 'GET / HTTP/1.0\r\n\r\n').heads[0]).toMatchObject({
      versionMajor: 1,
      versionMinor: 0,
    })
  })

  it('frames bodies without an onBody handler, and can be freed twice', () => {
    const heads: MessageHead[] = []
    let completed = 0
    const parser = new HttpParser('response', {
      onHead: (head) => {
        heads.push(head)
        return 'body'
      },
      onComplete: () => completed++,
    })
    const text =
      'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbodyHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'
    expect(parser.execute(Buffer.from(text, 'latin1'))).toEqual({ ok: true, bytes: text.length })
    expect(heads).toHaveLength(2)
    expect(completed).toBe(2)
    parser.free()
    expect(() => parser.free()).not.toThrow()
  })
})

describe('headerValue', () => {
  const raw = [
    'Host',
    'bank.lab',
    'Accept',
    'text/html',
    'X-Empty',
    '',
    'ACCEPT',
    'application/json',
    'accept',
    '*/*',
    'Cookie',
    'a=1',
  ]

  it('matches field names case-insensitively (the name asked for is lower case)', () => {
    expect(headerValue(raw, 'host')).toBe('bank.lab')
    expect(headerValue(raw, 'cookie')).toBe('a=1')
  })

  it('joins repeated fields with ", " in the order received (RFC 9110 §5.3)', () => {
    expect(headerValue(raw, 'accept')).toBe('text/html, application/json, */*')
  })

  it('tells an absent field from an empty one', () => {
    expect(headerValue(raw, 'x-empty')).toBe('')
    expect(headerValue(raw, 'content-length')).toBeUndefined()
    expect(headerValue([], 'host')).toBeUndefined()
  })

  it('matches whole names only, and never a value', () => {
    expect(headerValue(raw, 'hos')).toBeUndefined()
    expect(headerValue(raw, 'hosts')).toBeUndefined()
    expect(headerValue(raw, 'bank.lab')).toBeUndefined()
    // A dangling name without a value (an odd-length list) is ignored, not read past the end.
    expect(headerValue(['Host', 'a', 'X-Dangling'], 'x-dangling')).toBeUndefined()
  })
})
