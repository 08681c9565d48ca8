import type { ConnectionRecord } from './connection-record.js'
import { RequestRecorder } from './request-recorder.js'

/** Bounds: a request head larger than this is not parsed further (RFC 9112 leaves limits to us). */
const MAX_HEAD_BYTES = 32 * 1024

/**
 * Reads HTTP/1.1 requests out of the decrypted client→server stream of a raw
 * relay (the lab's per-connection mode, where bytes pass untouched), the way
 * an attacker's proxy would. It frames requests itself, leniently: it must
 * never stop the relay, so it gives up quietly on anything that is not
 * HTTP/1.1. Bounded in memory. The pooled relay frames with llhttp instead
 * and feeds the same RequestRecorder.
 */
export class HttpSniffer {
  private buffer: Buffer = Buffer.alloc(0)
  private bodyRemaining = 0
  private isDisabled = false
  private readonly recorder: RequestRecorder

  constructor(
    plaintext: ConnectionRecord['plaintext'],
    /** Told once when the sniffer gives up on an oversized request head (the relay goes on). */
    private readonly onGiveUp?: (message: string) => void,
  ) {
    this.recorder = new RequestRecorder(plaintext)
  }

  push(chunk: Buffer): void {
    if (this.isDisabled) return
    // The common case (keep-alive requests, one per chunk) copies nothing.
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    for (let guard = 0; guard < 64 && this.buffer.length > 0; guard++) {
      if (this.bodyRemaining > 0) {
        const take = Math.min(this.bodyRemaining, this.buffer.length)
        this.recorder.bodyChunk(this.buffer.subarray(0, take))
        this.buffer = this.buffer.subarray(take)
        this.bodyRemaining -= take
        if (this.bodyRemaining === 0) this.recorder.end()
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
    this.recorder.head(match[1] ?? '', match[2] ?? '', (name) => headers.get(name))
    // Chunked uploads are left alone: the lab's victims send Content-Length bodies.
    this.bodyRemaining = Number(headers.get('content-length') ?? '0') || 0
  }
}
