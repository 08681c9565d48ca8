import type { TlsRecord } from '../records/record-types.js'
import { ContentType } from '../records/record-types.js'
import { TruncatedField } from './byte-reader.js'
import type { ConnectionContext, KeyEpoch } from './connection-context.js'
import { clientMaxVersion, messageFields, serverHelloSummary } from './message-fields.js'
import type { HandshakeFields } from './message-fields.js'
import { RecordProtection } from './record-protection.js'
import { HandshakeType, alertName, handshakeMessageName } from './tls-names.js'
import type { AlertSeen, Direction, DirectionTotals, HandshakeMessage, TranscriptError } from './transcript-types.js'

/** Certificate chains are the largest messages; 256 KiB is far above any real one. */
const MAX_HANDSHAKE_MESSAGE = 256 * 1024
const MAX_MESSAGES = 512

/** A decoded message plus its exact bytes (header included), kept for transcript hashes. */
export interface DecodedMessage {
  message: HandshakeMessage
  raw: Buffer
}

export interface DecoderSink {
  errors: TranscriptError[]
  alerts: AlertSeen[]
}

/**
 * Decodes one direction's records into handshake messages, decrypting with
 * the connection's keys once they are known. `run('plaintext')` stops at the
 * first record that needs keys, so the other direction can supply the
 * ServerHello first. After an authentication failure the rest of the
 * direction is counted, not decoded: nothing after a forged record is trustworthy.
 */
export class DirectionDecoder {
  readonly decoded: DecodedMessage[] = []
  readonly totals: DirectionTotals = { applicationRecords: 0, applicationBytes: 0, closeNotify: false, undecodedRecords: 0 }
  private next = 0
  private pending: Buffer = Buffer.alloc(0)
  private sawCcs = false
  private protection: RecordProtection | undefined
  private epoch: KeyEpoch = 'handshake'
  private secret: Buffer | undefined
  private halted = false

  constructor(
    readonly direction: Direction,
    private readonly records: readonly TlsRecord[],
    private readonly context: ConnectionContext,
    private readonly sink: DecoderSink,
  ) {}

  run(mode: 'plaintext' | 'all'): void {
    for (; this.next < this.records.length; this.next++) {
      const record = this.records[this.next]
      if (!record) break
      if (this.halted) {
        this.totals.undecodedRecords++
        continue
      }
      if (mode === 'plaintext' && (record.type === ContentType.applicationData || this.sawCcs)) return
      this.handle(record)
    }
    if (mode === 'all' && this.pending.length > 0 && !this.halted) {
      this.fail('MALFORMED_MESSAGE', `stream ended inside a handshake message (${this.pending.length} bytes)`)
    }
  }

  private handle(record: TlsRecord): void {
    const tls13 = this.context.tls13
    const protectedRecord = tls13 ? record.type === ContentType.applicationData : this.sawCcs
    if (!protectedRecord) {
      this.handlePlain(record.type, record.payload, false)
      return
    }
    if (this.context.version === undefined) {
      this.halt('NO_SERVER_HELLO', 'protected records without a decodable ServerHello')
      this.totals.undecodedRecords++
      return
    }
    if (!this.protection) {
      const protection = this.context.protection(this.direction, this.epoch)
      if (!(protection instanceof RecordProtection)) {
        this.sink.errors.push(protection)
        this.halted = true
        this.totals.undecodedRecords++
        return
      }
      this.protection = protection
      this.secret = tls13 ? this.context.tls13Secret(this.direction, this.epoch) : undefined
    }
    const opened = this.protection.open(record.type, record.version, record.payload)
    if (!opened) {
      this.halt('DECRYPT_FAILED', `record at offset ${record.offset} failed AEAD authentication (bad_record_mac)`)
      this.totals.undecodedRecords++
      return
    }
    this.handlePlain(opened.type, opened.content, true)
  }

  private handlePlain(type: number, content: Buffer, encrypted: boolean): void {
    switch (type) {
      case ContentType.changeCipherSpec:
        this.push({ direction: this.direction, name: 'ChangeCipherSpec', encrypted, length: content.length, fields: {} }, content)
        // TLS 1.3's dummy CCS changes nothing (RFC 8446 §D.4); TLS 1.2's switches keys (RFC 5246 §7.1).
        if (!this.context.tls13) this.sawCcs = true
        return
      case ContentType.handshake:
        this.feed(content, encrypted)
        return
      case ContentType.alert:
        this.alert(content, encrypted)
        return
      case ContentType.applicationData:
        if (!encrypted) {
          this.halt('UNEXPECTED_RECORD', 'application data before the keys were established')
          return
        }
        this.totals.applicationRecords++
        this.totals.applicationBytes += content.length
        return
      default:
        this.halt('UNEXPECTED_RECORD', `record of content type ${type} cannot appear here`)
    }
  }

  private alert(content: Buffer, encrypted: boolean): void {
    if (content.length !== 2) {
      this.halt('MALFORMED_MESSAGE', `alert of ${content.length} bytes`)
      return
    }
    const level = content[0] === 1 ? 'warning' : content[0] === 2 ? 'fatal' : 'unknown'
    const description = alertName(content[1] ?? 255)
    if (content[1] === 0) this.totals.closeNotify = true
    this.sink.alerts.push({ direction: this.direction, level, description, encrypted })
  }

  private feed(content: Buffer, encrypted: boolean): void {
    this.pending = this.pending.length === 0 ? content : Buffer.concat([this.pending, content])
    while (this.pending.length >= 4 && !this.halted) {
      const type = this.pending.readUInt8(0)
      const length = this.pending.readUIntBE(1, 3)
      if (length > MAX_HANDSHAKE_MESSAGE) {
        this.halt('HANDSHAKE_MESSAGE_TOO_LARGE', `${handshakeMessageName(type)} claims ${length} bytes`)
        return
      }
      if (this.pending.length < 4 + length) return
      const raw = this.pending.subarray(0, 4 + length)
      this.pending = this.pending.subarray(4 + length)
      this.message(type, raw, encrypted)
    }
  }

  private message(type: number, raw: Buffer, encrypted: boolean): void {
    if (this.decoded.length >= MAX_MESSAGES) {
      this.halt('LIMIT_REACHED', `more than ${MAX_MESSAGES} handshake messages`)
      return
    }
    const body = raw.subarray(4)
    const fields = this.fields(type, body)
    this.push({ direction: this.direction, name: handshakeMessageName(type), type, encrypted, length: body.length, fields }, raw)
    if (type === HandshakeType.finished && this.context.tls13 && this.epoch === 'handshake') this.switchToApplicationKeys()
    if (type === HandshakeType.keyUpdate && this.context.tls13 && this.secret) this.updateKeys(this.secret)
  }

  private fields(type: number, body: Buffer): HandshakeFields {
    try {
      if (type === HandshakeType.clientHello && !this.context.clientRandom) {
        this.context.clientRandom = Buffer.from(body.subarray(2, 34))
        this.context.clientMaxVersion = clientMaxVersion(body)
      }
      if (type === HandshakeType.serverHello) {
        const summary = serverHelloSummary(body, this.context.clientMaxVersion)
        if (!summary.helloRetryRequest) this.context.serverRandom = summary.random
        // A HelloRetryRequest exists only in TLS 1.3 and carries supported_versions (RFC 8446 §4.1.4).
        this.context.version = summary.version
        this.context.cipherSuite = summary.cipherSuite
        return summary.fields
      }
      return messageFields(type, body, this.context.tls13)
    } catch (error) {
      if (!(error instanceof TruncatedField)) throw error
      this.sink.errors.push({ direction: this.direction, code: 'MALFORMED_MESSAGE', message: `${handshakeMessageName(type)}: ${error.message}` })
      return { malformed: true }
    }
  }

  /** Key changes happen only at record boundaries (RFC 8446 §5.1). */
  private switchToApplicationKeys(): void {
    if (this.pending.length > 0) this.halt('UNEXPECTED_RECORD', 'handshake data after Finished in the same record')
    this.epoch = 'application'
    this.protection = undefined
  }

  private updateKeys(secret: Buffer): void {
    const next = this.context.nextSecret(secret)
    if (!next) return
    const protection = this.context.protection(this.direction, 'application', next)
    if (protection instanceof RecordProtection) {
      this.protection = protection
      this.secret = next
    }
  }

  private push(message: HandshakeMessage, raw: Buffer): void {
    this.decoded.push({ message, raw: Buffer.from(raw) })
  }

  private halt(code: TranscriptError['code'], message: string): void {
    this.sink.errors.push({ direction: this.direction, code, message })
    this.halted = true
  }

  private fail(code: TranscriptError['code'], message: string): void {
    this.sink.errors.push({ direction: this.direction, code, message })
  }
}
