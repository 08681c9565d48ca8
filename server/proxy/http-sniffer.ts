import type { ConnectionRecord } from './connection-record.js'
import { headerValue, HttpParser, MAX_HEAD_BYTES, type MessageHead, type ParseResult } from './http-parser.js'
import { refusalByOrigin } from './request-refusal.js'
import { RequestRecorder } from './request-recorder.js'

/** Why the sniffer stopped reading; the bytes keep flowing untouched. */
export type SnifferGiveUp = 'http-head-too-large' | 'http-request-invalid'

export interface SnifferOptions {
  /** Told once when the sniffer stops reading (the relay goes on). */
  onGiveUp?: (type: SnifferGiveUp, message: string) => void
  /** A request head began (its first byte arrived): for the head deadline. */
  onHeadBegin?: () => void
  /** The head being read is complete, or will not be followed any more. */
  onHeadEnd?: () => void
}

/**
 * Sniffer state, one transition each way:
 * Reading -> Stopped when llhttp refuses the stream (the genuine server, the same llhttp, refuses it
 * too and processes nothing after it), at a CONNECT, or when the connection closes.
 */
enum SnifferState {
  Reading,
  Stopped,
}

/**
 * Reads HTTP/1.1 requests out of the decrypted client→server stream of a raw
 * relay (per-client mode, where bytes pass untouched), the way an attacker's
 * proxy would, and records the requests the genuine server will process. It
 * frames with llhttp, exactly as the pooled relay does and as the genuine
 * server (Node's http server) does, with the same strictness: chunked bodies,
 * any number of pipelined requests per read, CL+TE, obs-fold and bare LF all
 * get the same boundaries here as there. Bounded in memory (llhttp keeps no
 * body; a head is capped at MAX_HEAD_BYTES).
 *
 * What Node's http server does beyond llhttp is mirrored where it decides which
 * requests are processed: requests refused on their head (request-refusal.ts),
 * CONNECT (no 'connect' listener: the server destroys the socket), and Upgrade
 * requests it does not take up (no 'upgrade' listener): such a request is
 * processed as an ordinary one and the rest of *that read* is dropped
 * (lib/_http_server.js onParserExecuteCommon), parsing resuming with the next
 * read. The per-client relay forwards each client read as one write, so the
 * server's reads are the sniffer's.
 */
export class HttpSniffer {
  private state = SnifferState.Reading
  private readonly parser: HttpParser
  private readonly recorder: RequestRecorder | null
  private readonly options: SnifferOptions
  private isInHead = false
  private isInBody = false
  /** The current request is one the server refuses on its head: read past, not recorded. */
  private isRefused = false
  private isConnect = false

  constructor(
    /** Where requests are recorded; null to frame only (for the head deadline). */
    plaintext: ConnectionRecord['plaintext'] | null,
    options: SnifferOptions | ((message: string) => void) = {},
  ) {
    this.recorder = plaintext === null ? null : new RequestRecorder(plaintext)
    this.options = typeof options === 'function' ? { onGiveUp: (_type, message) => options(message) } : options
    this.parser = new HttpParser('request', {
      onBegin: () => {
        this.isInHead = true
        this.options.onHeadBegin?.()
      },
      onHead: (head) => this.onHead(head),
      onBody: (chunk) => {
        if (!this.isRefused) this.recorder?.bodyChunk(chunk)
      },
      onComplete: () => this.onComplete(),
    })
  }

  push(chunk: Buffer): void {
    if (this.state !== SnifferState.Reading) return
    const result = this.parser.execute(chunk)
    if (!result.ok) return this.refused(result)
    // After an Upgrade request llhttp stops (result.bytes < chunk.length): the rest of this read is
    // dropped, as the genuine server drops it, and the next read is parsed as HTTP again.
    if (this.isConnect) this.stop()
  }

  /** True between a request head announcing a body and the body's last byte. */
  isInsideBody(): boolean {
    return this.state === SnifferState.Reading && this.isInBody
  }

  /** The connection closed: a request cut short mid-body is recorded as far as it was read (the attacker has its head). */
  close(): void {
    if (this.state === SnifferState.Reading && this.isInBody && !this.isRefused) this.recorder?.flush()
    this.stop()
  }

  private onHead(head: MessageHead): 'body' | 'no-body' {
    this.isInHead = false
    this.options.onHeadEnd?.()
    const method = head.method ?? ''
    this.isConnect = method === 'CONNECT'
    this.isRefused = this.isConnect || refusalByOrigin(head) !== null
    this.isInBody = true
    if (!this.isRefused)
      this.recorder?.head(method, head.url ?? '', (name) => headerValue(head.rawHeaders, name), head.rawHeaders)
    return 'body'
  }

  private onComplete(): void {
    this.isInBody = false
    if (this.isRefused) this.recorder?.discard()
    else this.recorder?.end()
    this.isRefused = false
  }

  private refused(result: Extract<ParseResult, { ok: false }>): void {
    this.recorder?.discard()
    const tooLarge = result.code === 'HPE_HEADER_OVERFLOW'
    this.stop()
    this.options.onGiveUp?.(
      tooLarge ? 'http-head-too-large' : 'http-request-invalid',
      tooLarge
        ? `A request head passed ${MAX_HEAD_BYTES} bytes; relayed without reading it`
        : `llhttp refuses the client's request (${result.code}: ${result.reason}), as the genuine server will; relayed untouched, nothing after it recorded`,
    )
  }

  private stop(): void {
    if (this.state === SnifferState.Stopped) return
    this.state = SnifferState.Stopped
    if (this.isInHead) this.options.onHeadEnd?.()
    this.isInHead = false
    this.isInBody = false
    this.parser.free()
  }
}
