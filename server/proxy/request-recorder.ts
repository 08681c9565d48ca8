import type { ConnectionRecord } from './connection-record.js'

/** What is kept of one request body for reading credentials: a login form or JSON fits many times over. */
const MAX_BODY_BYTES = 16 * 1024
/**
 * Entries kept per list and connection: a browser's keep-alive connection may carry thousands of
 * requests, and a record must stay bounded. The first ones (the login) are the ones a trainee reads.
 */
export const MAX_PLAINTEXT_ENTRIES = 1_000
/** Form and JSON field names whose values are secrets worth showing a trainee. */
const SECRET_FIELDS = /^(pass(word)?|passwd|pwd|pin|secret|token|otp)$/i
const USER_FIELDS = /^(user(name)?|login|email|account)$/i

type Plaintext = ConnectionRecord['plaintext']

interface StagedRequest {
  method: string
  path: string
  host: string | null
  cookie: string | undefined
  authorization: string | undefined
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
 */
export class RequestRecorder {
  private staged: StagedRequest | null = null
  private body: Buffer[] = []
  private bodyBytes = 0
  private bodyType = ''

  constructor(private readonly plaintext: Plaintext) {}

  head(method: string, path: string, header: (lowerCaseName: string) => string | undefined): void {
    this.staged = {
      method,
      path,
      host: header('host') ?? null,
      cookie: header('cookie'),
      authorization: header('authorization'),
    }
    // Media types are case-insensitive and may carry parameters (RFC 9110 §8.3.1): `Application/JSON; charset=utf-8`.
    this.bodyType = (header('content-type') ?? '').toLowerCase()
    this.body = []
    this.bodyBytes = 0
  }

  bodyChunk(chunk: Buffer): void {
    if (this.staged === null || this.bodyBytes >= MAX_BODY_BYTES) return
    const kept = chunk.subarray(0, MAX_BODY_BYTES - this.bodyBytes)
    this.body.push(kept)
    this.bodyBytes += kept.length
  }

  /** The request is complete and reaches the server: record it, and read the credential fields out of its body. */
  end(): void {
    const path = this.commitHead()
    if (path === null || this.bodyBytes === 0) return
    const text = Buffer.concat(this.body).toString('utf8')
    this.body = []
    this.bodyBytes = 0
    const fields = this.bodyType.includes('json')
      ? jsonFields(text)
      : [...new URLSearchParams(text).entries()]
    for (const [field, value] of fields) {
      if (SECRET_FIELDS.test(field) || USER_FIELDS.test(field))
        keep(this.plaintext.credentials, { field, value, path })
    }
  }

  /** The server will not process the staged request (its framing was refused, or the proxy turned it down). */
  discard(): void {
    this.staged = null
    this.body = []
    this.bodyBytes = 0
  }

  /** The client vanished mid-request: the head the attacker read is recorded, its partial body is not read. */
  flush(): void {
    this.commitHead()
    this.discard()
  }

  /** Records the staged head; its path, or null when nothing was staged. */
  private commitHead(): string | null {
    const request = this.staged
    if (request === null) return null
    this.staged = null
    const { requests } = this.plaintext
    if (requests.length < MAX_PLAINTEXT_ENTRIES)
      requests.push({ method: request.method, path: request.path, host: request.host })
    else this.plaintext.requestsNotListed = (this.plaintext.requestsNotListed ?? 0) + 1
    if (request.cookie !== undefined) keep(this.plaintext.cookies, request.cookie)
    if (request.authorization !== undefined)
      keep(this.plaintext.credentials, { field: 'authorization', value: request.authorization, path: request.path })
    return request.path
  }
}

function keep<T>(list: T[], entry: T): void {
  if (list.length < MAX_PLAINTEXT_ENTRIES) list.push(entry)
}

function jsonFields(text: string): [string, string][] {
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null) return []
    return Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
  } catch {
    // Not JSON after all: nothing to read, which is a fine outcome for a sniffer.
    return []
  }
}
