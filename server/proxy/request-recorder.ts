import type { ConnectionRecord } from './connection-record.js'
import { BodyBuffer, decodeBody, flowHeaders, MAX_FLOWS_PER_CONNECTION, SECRET_FIELDS, USER_FIELDS } from './proxy-flow.js'

/** What is kept of one request body for reading credentials: a login form or JSON fits many times over. */
const MAX_BODY_BYTES = 16 * 1024
/**
 * Entries kept per list and connection: a browser's keep-alive connection may carry thousands of
 * requests, and a record must stay bounded. The first ones (the login) are the ones a trainee reads.
 */
export const MAX_PLAINTEXT_ENTRIES = 1_000

type Plaintext = ConnectionRecord['plaintext']

interface StagedRequest {
  method: string
  path: string
  host: string | null
  cookie: string | undefined
  authorization: string | undefined
  /** The head as read, for the flow; absent when the caller only passes a header lookup. */
  rawHeaders: readonly string[] | undefined
  contentEncoding: string
  /** Lower-cased Content-Type, parameters kept (RFC 9110 §8.3.1: `Application/JSON; charset=utf-8`). */
  bodyType: string
  /** The first MAX_BODY_BYTES of the body, read for credentials. */
  body: Buffer[]
  bodyBytes: number
  /** The body for the flow view (its own bound, proxy-flow.ts). */
  flowBody: BodyBuffer
}

/**
 * Writes what an attacker's proxy reads out of each decrypted request into the
 * connection record: request line, Host, cookies, Authorization, and
 * credentials in urlencoded or JSON bodies. It is told where heads and bodies
 * are by llhttp (the per-client sniffer's or the exchange relay's), and keeps
 * at most MAX_BODY_BYTES of a body.
 *
 * A request is recorded when it is complete (`end`), which is when the genuine
 * server processes it: a head whose framing is then refused (a bad chunk, a
 * request the proxy or the server turns down) is `discard`ed, so the record
 * lists exactly the requests the server processed. Only a client that
 * vanishes mid-request leaves a head that is recorded anyway (`flush`): the
 * attacker did read it, and the connection's incident says it was cut short.
 *
 * Each recorded request also becomes a flow (proxy-flow.ts): its headers and
 * decoded body, to which the ResponseRecorder adds the answer.
 */
export class RequestRecorder {
  /**
   * The request whose head was read and whose body is arriving, or null between requests. All of
   * one request's state lives in it, so a new head starts from nothing and `discard` is one assignment.
   */
  private staged: StagedRequest | null = null

  constructor(private readonly plaintext: Plaintext) {}

  head(method: string, path: string, header: (lowerCaseName: string) => string | undefined, rawHeaders?: readonly string[]): void {
    this.staged = {
      method,
      path,
      host: header('host') ?? null,
      cookie: header('cookie'),
      authorization: header('authorization'),
      rawHeaders,
      contentEncoding: header('content-encoding') ?? '',
      bodyType: (header('content-type') ?? '').toLowerCase(),
      body: [],
      bodyBytes: 0,
      flowBody: new BodyBuffer(),
    }
  }

  bodyChunk(chunk: Buffer): void {
    const request = this.staged
    // Body bytes with no head staged (after a discard) belong to a request the server will not process.
    if (request === null) return
    request.flowBody.push(chunk)
    // Past the cap nothing is kept, not even an empty view: a subarray would pin the whole chunk in memory.
    if (request.bodyBytes >= MAX_BODY_BYTES) return
    const kept = chunk.subarray(0, MAX_BODY_BYTES - request.bodyBytes)
    request.body.push(kept)
    request.bodyBytes += kept.length
  }

  /** The request is complete and reaches the server: record it, and read the credential fields out of its body. */
  end(): void {
    const request = this.staged
    if (request === null) return
    this.commit(request)
    const text = Buffer.concat(request.body).toString('utf8')
    const fields = request.bodyType.includes('json') ? jsonFields(text) : [...new URLSearchParams(text).entries()]
    for (const [field, value] of fields) {
      if (SECRET_FIELDS.test(field) || USER_FIELDS.test(field)) keep(this.plaintext.credentials, { field, value, path: request.path })
    }
  }

  /** The server will not process the staged request (its framing was refused, or the proxy turned it down). */
  discard(): void {
    this.staged = null
  }

  /** The client vanished mid-request: the head the attacker read is recorded, its partial body is not read. */
  flush(): void {
    if (this.staged !== null) this.commit(this.staged)
  }

  /** Records the request's head (and its flow) and unstages it. */
  private commit(request: StagedRequest): void {
    this.staged = null
    const { requests } = this.plaintext
    if (requests.length < MAX_PLAINTEXT_ENTRIES) requests.push({ method: request.method, path: request.path, host: request.host })
    else this.plaintext.requestsNotListed = (this.plaintext.requestsNotListed ?? 0) + 1
    if (request.cookie !== undefined) keep(this.plaintext.cookies, request.cookie)
    if (request.authorization !== undefined)
      keep(this.plaintext.credentials, { field: 'authorization', value: request.authorization, path: request.path })
    this.keepFlow(request)
  }

  private keepFlow(request: StagedRequest): void {
    const flows = (this.plaintext.flows ??= [])
    if (flows.length >= MAX_FLOWS_PER_CONNECTION) {
      this.plaintext.flowsNotListed = (this.plaintext.flowsNotListed ?? 0) + 1
      return
    }
    flows.push({
      request: {
        leg: 'client → proxy',
        method: request.method,
        path: request.path,
        host: request.host,
        headers: flowHeaders(request.rawHeaders ?? []),
        body: decodeBody(request.flowBody.bytes(), request.flowBody.size, request.bodyType, request.contentEncoding),
      },
      response: null,
    })
  }
}

function keep<T>(list: T[], entry: T): void {
  if (list.length < MAX_PLAINTEXT_ENTRIES) list.push(entry)
}

function jsonFields(text: string): [string, string][] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    // Not JSON after all: nothing to read, which is a fine outcome for a sniffer.
    return []
  }
  // Only an object names its fields (`null`, a number or a string has none worth reading).
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
}
