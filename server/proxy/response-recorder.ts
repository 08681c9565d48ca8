import type { ConnectionRecord } from './connection-record.js'
import { headerValue, type MessageHead } from './http-parser.js'
import { BodyBuffer, decodeBody, flowHeaders } from './proxy-flow.js'

/**
 * Writes each response the proxy relays to the client onto the flow of the
 * request it answers. HTTP/1.1 answers requests in order on a connection (RFC
 * 9112 §9.3.2), so the n-th final response belongs to the n-th recorded
 * request; interim 1xx responses (RFC 9110 §15.2) answer nothing and are
 * skipped. A response whose request was not kept (past the flow cap) is
 * counted past too.
 */
export class ResponseRecorder {
  private answered = 0
  private staged: { head: MessageHead; body: BodyBuffer } | null = null

  constructor(private readonly plaintext: ConnectionRecord['plaintext']) {}

  /** The method of the request the next response answers, when known: a HEAD's response has no body (RFC 9110 §9.3.2). */
  nextRequestMethod(): string | null {
    return this.plaintext.flows?.[this.answered]?.request.method ?? null
  }

  head(head: MessageHead): void {
    this.staged = (head.statusCode ?? 0) >= 200 ? { head, body: new BodyBuffer() } : null
  }

  bodyChunk(chunk: Buffer): void {
    this.staged?.body.push(chunk)
  }

  end(): void {
    const staged = this.staged
    if (staged === null) return
    this.staged = null
    const flow = this.plaintext.flows?.[this.answered]
    this.answered++
    if (flow === undefined) return
    const header = (name: string): string => headerValue(staged.head.rawHeaders, name) ?? ''
    flow.response = {
      leg: 'bank → proxy',
      status: staged.head.statusCode ?? 0,
      reason: staged.head.statusMessage ?? '',
      headers: flowHeaders(staged.head.rawHeaders),
      body: decodeBody(staged.body.bytes(), staged.body.size, header('content-type'), header('content-encoding')),
    }
  }
}

/**
 * For a proxy that answers requests itself (sslstrip's HTTP side, one
 * exchange at a time): the response it read from upstream goes onto the
 * oldest flow still waiting for one.
 */
export function answerOldestFlow(
  plaintext: ConnectionRecord['plaintext'],
  response: { status: number; reason: string; rawHeaders: readonly string[]; body: Buffer },
): void {
  const flow = plaintext.flows?.find((candidate) => candidate.response === null)
  if (flow === undefined) return
  const header = (name: string): string => headerValue(response.rawHeaders, name) ?? ''
  const kept = new BodyBuffer()
  kept.push(response.body)
  flow.response = {
    leg: 'bank → proxy',
    status: response.status,
    reason: response.reason,
    headers: flowHeaders(response.rawHeaders),
    body: decodeBody(kept.bytes(), kept.size, header('content-type'), header('content-encoding')),
  }
}
