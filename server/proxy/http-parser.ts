import { createRequire } from 'node:module'

/**
 * Node's own HTTP/1.1 parser (llhttp, the one `node:http` uses), for a relay
 * that forwards raw bytes but must know where each message ends. It is the
 * best-tested HTTP/1.1 framing code available to a Node program: it refuses
 * what request smuggling needs (Content-Length next to Transfer-Encoding,
 * duplicate lengths, bare LF, obs-fold in strict mode — RFC 9112 §6.3, §11.2)
 * and it scans a Content-Length body by arithmetic, so a bulk response costs
 * one native call per chunk. Node exposes it as `_http_common.HTTPParser`
 * (public since the http-parser days and what `http-parser-js` replaces).
 */
interface NativeParser {
  initialize(type: number, resource: object, maxHeaderSize?: number, lenient?: number): void
  execute(data: Buffer): number | NativeParseError
  finish(): number | NativeParseError | undefined
  close(): void
  free(): void
  [callback: number]: unknown
}
interface NativeParseError extends Error {
  code?: string
  reason?: string
  bytesParsed?: number
}
interface NativeParserClass {
  new (): NativeParser
  REQUEST: number
  RESPONSE: number
  kOnMessageBegin: number
  kOnHeaders: number
  kOnHeadersComplete: number
  kOnBody: number
  kOnMessageComplete: number
  kOnExecute: number
  kLenientNone: number
}

const require = createRequire(import.meta.url)
const common = require('_http_common') as { HTTPParser: NativeParserClass; methods: string[] }
const Native = common.HTTPParser

/** RFC 9112 leaves the limit to us; Node's default (16 KiB) is what browsers' servers expect, 64 KiB is generous. */
export const MAX_HEAD_BYTES = 64 * 1024

export interface MessageHead {
  versionMajor: number
  versionMinor: number
  /** Raw names and values, alternating, as received (case and order kept). */
  rawHeaders: string[]
  /** Requests only. */
  method: string | null
  /** Requests only. */
  url: string | null
  /** Responses only. */
  statusCode: number | null
  statusMessage: string | null
  /** Upgrade (RFC 9110 §7.8) or CONNECT: what follows the head is not HTTP any more. */
  upgrade: boolean
  /** RFC 9112 §9.3: whether the sender leaves the connection open after this message. */
  shouldKeepAlive: boolean
}

export interface ParserEvents {
  /** A message's first byte arrived (its head is being read). */
  onBegin?: () => void
  /**
   * The head is complete. For a response, return 'no-body' when the request was HEAD (RFC 9110 §9.3.2).
   * 'stop-after', for a message without a body only, makes llhttp stop at the end of this message as it
   * does after an Upgrade: `execute` returns the bytes parsed up to there, and the next `execute` goes on.
   */
  onHead(head: MessageHead): 'body' | 'no-body' | 'stop-after'
  /** Body bytes, de-chunked. Leave undefined when the body is not needed: then nothing is copied. */
  onBody?: (chunk: Buffer) => void
  onComplete(): void
}

export type ParseResult =
  { ok: true; bytes: number } | { ok: false; code: string; reason: string; bytesParsed: number }

/**
 * One direction of one HTTP/1.1 connection. Events fire synchronously inside
 * `execute`. Pipelined messages are reported one after the other.
 */
export class HttpParser {
  private readonly native: NativeParser
  private isFreed = false

  constructor(kind: 'request' | 'response', events: ParserEvents) {
    const native = new Native()
    native.initialize(
      kind === 'request' ? Native.REQUEST : Native.RESPONSE,
      {},
      MAX_HEAD_BYTES,
      Native.kLenientNone,
    )
    // Past 32 fields llhttp's binding hands the head over in batches (kOnHeaders), and then passes
    // undefined headers and URL to kOnHeadersComplete: join them as node lib/_http_common.js does.
    let earlyHeaders: string[] = []
    let earlyUrl = ''
    native[Native.kOnHeaders] = (headers: string[], url: string) => {
      earlyHeaders = earlyHeaders.concat(headers)
      earlyUrl += url
    }
    native[Native.kOnHeadersComplete] = (
      versionMajor: number,
      versionMinor: number,
      headers: string[] | undefined,
      method: number | undefined,
      url: string | undefined,
      statusCode: number | undefined,
      statusMessage: string | undefined,
      upgrade: boolean,
      shouldKeepAlive: boolean,
    ): number => {
      const rawHeaders = headers ?? earlyHeaders
      const fullUrl = url ?? (kind === 'request' ? earlyUrl : undefined)
      earlyHeaders = []
      earlyUrl = ''
      const answer = events.onHead({
        versionMajor,
        versionMinor,
        rawHeaders,
        method: method === undefined ? null : (common.methods[method] ?? null),
        url: fullUrl ?? null,
        statusCode: statusCode ?? null,
        statusMessage: statusMessage ?? null,
        upgrade,
        shouldKeepAlive,
      })
      // llhttp's contract (node lib/_http_common.js, src/node_http_parser.cc): 1 = this message has no
      // body; 2 = upgrade, llhttp pauses after the message and Node's binding resumes it for the next execute.
      return answer === 'no-body' ? 1 : answer === 'stop-after' ? 2 : 0
    }
    if (events.onBegin !== undefined) native[Native.kOnMessageBegin] = events.onBegin
    if (events.onBody !== undefined) native[Native.kOnBody] = events.onBody
    native[Native.kOnMessageComplete] = () => events.onComplete()
    this.native = native
  }

  execute(data: Buffer): ParseResult {
    const result = this.native.execute(data)
    return typeof result === 'number' ? { ok: true, bytes: result } : failure(result)
  }

  /** The peer closed: completes a message whose end is the close (RFC 9112 §6.3 rule 8). */
  finish(): ParseResult {
    const result = this.native.finish()
    return result === undefined || typeof result === 'number' ? { ok: true, bytes: 0 } : failure(result)
  }

  free(): void {
    if (this.isFreed) return
    this.isFreed = true
    this.native.close()
  }
}

function failure(error: NativeParseError): ParseResult {
  return {
    ok: false,
    code: error.code ?? 'HPE_UNKNOWN',
    reason: error.reason ?? error.message,
    bytesParsed: error.bytesParsed ?? 0,
  }
}

/** The value of header `name` (given in lower case; matched case-insensitively) in a raw header list; repeated fields joined with ", " (RFC 9110 §5.3). */
export function headerValue(rawHeaders: readonly string[], name: string): string | undefined {
  let value: string | undefined
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.length === name.length && rawHeaders[i]?.toLowerCase() === name) {
      value = value === undefined ? rawHeaders[i + 1] : `${value}, ${rawHeaders[i + 1] ?? ''}`
    }
  }
  return value
}
