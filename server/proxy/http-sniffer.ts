import type { ConnectionRecord } from './connection-record.js'

/** Bounds: a request head larger than this is not parsed further (RFC 9112 leaves limits to us). */
const MAX_HEAD_BYTES = 32 * 1024
const MAX_BODY_BYTES = 16 * 1024
/** Form and JSON field names whose values are secrets worth showing a trainee. */
const SECRET_FIELDS = /^(pass(word)?|passwd|pwd|pin|secret|token|otp)$/i
const USER_FIELDS = /^(user(name)?|login|email|account)$/i

type Plaintext = ConnectionRecord['plaintext']

/**
 * Reads HTTP/1.1 requests out of the decrypted client→server stream, the way
 * an attacker's proxy would: request lines, Host, cookies, and credentials in
 * urlencoded or JSON bodies. Bounded in memory; it gives up quietly on
 * anything that is not HTTP/1.1 (the relay continues either way).
 */
export class HttpSniffer {
  private buffer: Buffer = Buffer.alloc(0)
  private bodyRemaining = 0
  private body: Buffer[] = []
  private bodyType = ''
  private path = ''
  private isDisabled = false

  constructor(
    private readonly plaintext: Plaintext,
    /** Told once when the sniffer gives up on an oversized request head (the relay goes on). */
    private readonly onGiveUp?: (message: string) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.isDisabled) return
    // The common case (keep-alive requests, one per chunk) copies nothing.
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    for (let guard = 0; guard < 64 && this.buffer.length > 0; guard++) {
      if (this.bodyRemaining > 0) {
        const take = Math.min(this.bodyRemaining, this.buffer.length)
        if (this.collectedBodyBytes() < MAX_BODY_BYTES) this.body.push(this.buffer.subarray(0, take))
        this.buffer = this.buffer.subarray(take)
        this.bodyRemaining -= take
        if (this.bodyRemaining === 0) this.finishBody()
        continue
      }
      const end = this.buffer.indexOf('\r\n\r\n')
      if (end < 0) {
        if (this.buffer.length > MAX_HEAD_BYTES) {
          this.isDisabled = true
          this.buffer = Buffer.alloc(0)
          this.onGiveUp?.(`A request head passed ${MAX_HEAD_BYTES} bytes; relayed without reading it`)
        }
        return
      }
      this.readHead(this.buffer.subarray(0, end).toString('latin1'))
      this.buffer = this.buffer.subarray(end + 4)
    }
  }

  /** True between a request head announcing a body and the body's last byte. */
  isInsideBody(): boolean {
    return this.bodyRemaining > 0
  }

  private readHead(head: string): void {
    const [requestLine = '', ...headerLines] = head.split('\r\n')
    const match = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(requestLine)
    if (match === null) {
      this.isDisabled = true
      return
    }
    const headers = new Map<string, string>()
    for (const line of headerLines) {
      const colon = line.indexOf(':')
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
    }
    this.path = match[2] ?? ''
    this.plaintext.requests.push({ method: match[1] ?? '', path: this.path, host: headers.get('host') ?? null })
    const cookie = headers.get('cookie')
    if (cookie !== undefined) this.plaintext.cookies.push(cookie)
    const authorization = headers.get('authorization')
    if (authorization !== undefined) this.plaintext.credentials.push({ field: 'authorization', value: authorization, path: this.path })
    this.bodyType = headers.get('content-type') ?? ''
    // Chunked uploads are left alone: the lab's victims send Content-Length bodies.
    this.bodyRemaining = Number(headers.get('content-length') ?? '0') || 0
    this.body = []
  }

  private finishBody(): void {
    const text = Buffer.concat(this.body).toString('utf8')
    const fields = this.bodyType.includes('json') ? jsonFields(text) : [...new URLSearchParams(text).entries()]
    for (const [field, value] of fields) {
      if (SECRET_FIELDS.test(field) || USER_FIELDS.test(field)) this.plaintext.credentials.push({ field, value, path: this.path })
    }
  }

  private collectedBodyBytes(): number {
    return this.body.reduce((sum, part) => sum + part.length, 0)
  }
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
