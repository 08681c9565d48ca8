import type { Socket } from 'node:net'
import { TruncatedField } from '../handshake/byte-reader.js'
import { alertName } from '../handshake/tls-names.js'
import { RecordSplitter } from '../records/record-splitter.js'
import { ContentType } from '../records/record-types.js'
import type { TlsRecord } from '../records/record-types.js'
import type { EngineFailure, EngineOutcome, EngineStage, EngineOptions } from './engine-types.js'

/** RFC 8446 §6 alert descriptions the engines send. */
export const ALERT = {
  closeNotify: 0,
  unexpectedMessage: 10,
  badRecordMac: 20,
  handshakeFailure: 40,
  illegalParameter: 47,
  decodeError: 50,
  decryptError: 51,
} as const

const MAX_HANDSHAKE_MESSAGE = 65_536

/**
 * What both engine versions share: record framing, handshake reassembly,
 * alerts, the time limit and a single resolved outcome. Subclasses own the
 * keys and the handshake state machine.
 */
export abstract class EngineConnection {
  protected stage: EngineStage = 'client-hello'
  protected readonly outcome: EngineOutcome = { completed: false, stage: 'client-hello', applicationRecords: 0 }
  private readonly splitter = new RecordSplitter()
  private pending: Buffer = Buffer.alloc(0)
  private done = false
  private readonly timer: NodeJS.Timeout

  constructor(
    protected readonly socket: Socket,
    protected readonly options: EngineOptions,
    private readonly resolve: (outcome: EngineOutcome) => void,
  ) {
    this.timer = setTimeout(() => this.finish('TIMEOUT'), options.timeoutMs ?? 10_000)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('end', () => this.finish(this.stage === 'established' ? undefined : 'PEER_CLOSED'))
    socket.on('error', () => this.finish('PEER_CLOSED'))
    socket.on('close', () => this.finish(this.stage === 'established' ? undefined : 'PEER_CLOSED'))
  }

  /** Opens a protected record; undefined means it failed authentication. Plain records pass through. */
  protected abstract unprotect(record: TlsRecord): { type: number; content: Buffer } | undefined
  protected abstract onHandshake(raw: Buffer): void
  protected abstract onChangeCipherSpec(): void
  /** Seals content for the current write epoch, or frames it in plaintext before keys exist. */
  protected abstract protect(type: number, content: Buffer): Buffer

  private onData(chunk: Buffer): void {
    const { records, error } = this.splitter.push(chunk)
    for (const record of records) if (!this.done) this.onRecord(record)
    if (error && !this.done) this.abort(ALERT.decodeError, 'MALFORMED_MESSAGE')
  }

  private onRecord(record: TlsRecord): void {
    const opened = this.unprotect(record)
    if (!opened) return this.abort(ALERT.badRecordMac, 'BAD_RECORD_MAC')
    const { type, content } = opened
    if (type === ContentType.alert) {
      this.outcome.clientAlert = alertName(content[1] ?? 255)
      if (content[1] === ALERT.closeNotify && this.stage === 'established') return this.close()
      return this.finish('CLIENT_ALERT')
    }
    if (type === ContentType.changeCipherSpec) return this.onChangeCipherSpec()
    if (type === ContentType.applicationData) {
      if (this.stage !== 'established') return this.abort(ALERT.unexpectedMessage, 'UNEXPECTED_MESSAGE')
      this.outcome.applicationRecords++
      const reply = this.options.respond ? this.options.respond(content) : content
      this.socket.write(this.protect(ContentType.applicationData, reply))
      return
    }
    if (type !== ContentType.handshake) return this.abort(ALERT.unexpectedMessage, 'UNEXPECTED_MESSAGE')
    this.pending = Buffer.concat([this.pending, content])
    while (this.pending.length >= 4 && !this.done) {
      const length = this.pending.readUIntBE(1, 3)
      if (length > MAX_HANDSHAKE_MESSAGE) return this.abort(ALERT.decodeError, 'MALFORMED_MESSAGE')
      if (this.pending.length < 4 + length) return
      const raw = this.pending.subarray(0, 4 + length)
      this.pending = this.pending.subarray(4 + length)
      try {
        this.onHandshake(raw)
      } catch (error) {
        if (!(error instanceof TruncatedField)) throw error
        this.abort(ALERT.decodeError, 'MALFORMED_MESSAGE')
      }
    }
  }

  protected abort(description: number, failure: EngineFailure): void {
    if (this.done) return
    if (!this.socket.destroyed) this.socket.end(this.protect(ContentType.alert, Buffer.from([2, description])))
    this.finish(failure)
  }

  private close(): void {
    if (!this.socket.destroyed) this.socket.end(this.protect(ContentType.alert, Buffer.from([1, ALERT.closeNotify])))
    this.finish(undefined)
  }

  protected finish(failure: EngineFailure | undefined): void {
    if (this.done) return
    this.done = true
    clearTimeout(this.timer)
    this.outcome.stage = this.stage
    if (failure) this.outcome.failure = failure
    if (failure === 'TIMEOUT') this.socket.destroy()
    this.resolve(this.outcome)
  }
}

export function u24(value: number): Buffer {
  return Buffer.from([value >> 16, (value >> 8) & 0xff, value & 0xff])
}
