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

/**
 * Writes what an attacker's proxy reads out of each decrypted request into the
 * connection record: request line, Host, cookies, Authorization, and
 * credentials in urlencoded or JSON bodies. It is told where heads and bodies
 * are (by the sniffer's own framing or by the exchange relay's HTTP parser),
 * and keeps at most MAX_BODY_BYTES of a body.
 */
export class RequestRecorder {
  private body: Buffer[] = []
  private bodyBytes = 0
  private bodyType = ''
  private path = ''

  constructor(private readonly plaintext: Plaintext) {}

  head(method: string, path: string, header: (lowerCaseName: string) => string | undefined): void {
    this.path = path
    keep(this.plaintext.requests, { method, path, host: header('host') ?? null })
    const cookie = header('cookie')
    if (cookie !== undefined) keep(this.plaintext.cookies, cookie)
    const authorization = header('authorization')
    if (authorization !== undefined)
      keep(this.plaintext.credentials, { field: 'authorization', value: authorization, path })
    // Media types are case-insensitive and may carry parameters (RFC 9110 §8.3.1): `Application/JSON; charset=utf-8`.
    this.bodyType = (header('content-type') ?? '').toLowerCase()
    this.body = []
    this.bodyBytes = 0
  }

  bodyChunk(chunk: Buffer): void {
    if (this.bodyBytes >= MAX_BODY_BYTES) return
    const kept = chunk.subarray(0, MAX_BODY_BYTES - this.bodyBytes)
    this.body.push(kept)
    this.bodyBytes += kept.length
  }

  /** The body is complete: read the credential fields out of it. */
  end(): void {
    if (this.bodyBytes === 0) return
    const text = Buffer.concat(this.body).toString('utf8')
    this.body = []
    this.bodyBytes = 0
    const fields = this.bodyType.includes('json')
      ? jsonFields(text)
      : [...new URLSearchParams(text).entries()]
    for (const [field, value] of fields) {
      if (SECRET_FIELDS.test(field) || USER_FIELDS.test(field))
        keep(this.plaintext.credentials, { field, value, path: this.path })
    }
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
