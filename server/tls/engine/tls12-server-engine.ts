import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { aeadSuite } from '../handshake/cipher-suites.js'
import type { AeadSuite } from '../handshake/cipher-suites.js'
import { TruncatedField } from '../handshake/byte-reader.js'
import { handshakeMessage } from '../handshake/hello-structure.js'
import { tls12FinishedVerifyData, tls12KeyBlock, tls12Prf } from '../handshake/key-schedule.js'
import { RecordProtection } from '../handshake/record-protection.js'
import { HandshakeType, alertName } from '../handshake/tls-names.js'
import { RecordSplitter, encodeRecord } from '../records/record-splitter.js'
import { ContentType } from '../records/record-types.js'
import type { TlsRecord } from '../records/record-types.js'
import { generateKeyShare } from './ecdhe-key-share.js'
import type { EphemeralKeyShare } from './ecdhe-key-share.js'
import type { EngineFailure, EngineOutcome, EngineStage, Tls12EngineOptions } from './engine-types.js'
import { negotiate } from './negotiate.js'
import { buildServerKeyExchange } from './server-key-exchange.js'

const TLS12 = 0x0303
const MAX_RECORD_PLAINTEXT = 2 ** 14
/** RFC 5246 §7.2 alert descriptions the engine sends. */
const ALERT = { closeNotify: 0, unexpectedMessage: 10, badRecordMac: 20, handshakeFailure: 40, decodeError: 50, decryptError: 51, illegalParameter: 47 } as const

/**
 * The server side of one TLS 1.2 ECDHE_RSA_WITH_AES_128_GCM_SHA256 handshake
 * (RFC 5246 §7.3, RFC 8422, RFC 5288), built on node:crypto so it can present
 * a certificate chain whose private key it does not hold, which OpenSSL
 * refuses to do. Not a general TLS stack: one suite, no resumption, no
 * renegotiation, no extended master secret (the client accepts its absence).
 */
export function serveTls12(socket: Socket, options: Tls12EngineOptions): Promise<EngineOutcome> {
  return new Promise((resolve) => new Tls12ServerHandshake(socket, options, resolve))
}

class Tls12ServerHandshake {
  private stage: EngineStage = 'client-hello'
  private readonly splitter = new RecordSplitter()
  private readonly transcript: Buffer[] = []
  private pending: Buffer = Buffer.alloc(0)
  private readonly outcome: EngineOutcome = { completed: false, stage: 'client-hello', applicationRecords: 0 }
  private clientRandom: Buffer = Buffer.alloc(0)
  private readonly serverRandom = randomBytes(32)
  private share: EphemeralKeyShare | undefined
  private master: Buffer | undefined
  private read: RecordProtection | undefined
  private write: RecordProtection | undefined
  private clientEncrypting = false
  private done = false
  private readonly suite: AeadSuite
  private readonly timer: NodeJS.Timeout

  constructor(
    private readonly socket: Socket,
    private readonly options: Tls12EngineOptions,
    private readonly resolve: (outcome: EngineOutcome) => void,
  ) {
    const suite = aeadSuite(0xc02f)
    if (!suite) throw new TypeError('cipher suite table lacks 0xc02f')
    this.suite = suite
    this.timer = setTimeout(() => this.finish('TIMEOUT'), options.timeoutMs ?? 10_000)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('end', () => this.finish(this.stage === 'established' ? undefined : 'PEER_CLOSED'))
    socket.on('error', () => this.finish('PEER_CLOSED'))
    socket.on('close', () => this.finish(this.stage === 'established' ? undefined : 'PEER_CLOSED'))
  }

  private onData(chunk: Buffer): void {
    const { records, error } = this.splitter.push(chunk)
    for (const record of records) if (!this.done) this.onRecord(record)
    if (error && !this.done) this.abort(ALERT.decodeError, 'MALFORMED_MESSAGE')
  }

  private onRecord(record: TlsRecord): void {
    let type = record.type
    let content = record.payload
    if (this.clientEncrypting && this.read) {
      const opened = this.read.open(record.type, record.version, record.payload)
      if (!opened) return this.abort(ALERT.badRecordMac, 'BAD_RECORD_MAC')
      type = opened.type
      content = opened.content
    }
    if (type === ContentType.alert) {
      this.outcome.clientAlert = alertName(content[1] ?? 255)
      if (content[1] === ALERT.closeNotify && this.stage === 'established') return this.close()
      return this.finish('CLIENT_ALERT')
    }
    if (type === ContentType.changeCipherSpec) {
      if (this.stage !== 'change-cipher-spec') return this.abort(ALERT.unexpectedMessage, 'UNEXPECTED_MESSAGE')
      this.clientEncrypting = true
      this.stage = 'finished'
      return
    }
    if (type === ContentType.applicationData) {
      if (this.stage !== 'established' || !this.write) return this.abort(ALERT.unexpectedMessage, 'UNEXPECTED_MESSAGE')
      this.outcome.applicationRecords++
      const reply = this.options.respond ? this.options.respond(content) : content
      this.socket.write(this.write.seal(ContentType.applicationData, TLS12, reply))
      return
    }
    if (type !== ContentType.handshake) return this.abort(ALERT.unexpectedMessage, 'UNEXPECTED_MESSAGE')
    this.pending = Buffer.concat([this.pending, content])
    while (this.pending.length >= 4 && !this.done) {
      const length = this.pending.readUIntBE(1, 3)
      if (length > 65_536) return this.abort(ALERT.decodeError, 'MALFORMED_MESSAGE')
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

  private onHandshake(raw: Buffer): void {
    const type = raw[0]
    if (this.stage === 'client-hello' && type === HandshakeType.clientHello) return this.onClientHello(raw)
    if (this.stage === 'client-key-exchange' && type === HandshakeType.clientKeyExchange) return this.onClientKeyExchange(raw)
    if (this.stage === 'finished' && type === HandshakeType.finished) return this.onClientFinished(raw)
    this.abort(ALERT.unexpectedMessage, 'UNEXPECTED_MESSAGE')
  }

  private onClientHello(raw: Buffer): void {
    const choice = negotiate(raw.subarray(4), this.options.groups ?? ['x25519', 'secp256r1'])
    if ('failure' in choice) return this.abort(ALERT.handshakeFailure, choice.failure)
    this.transcript.push(raw)
    this.clientRandom = choice.clientRandom
    this.share = generateKeyShare(choice.group)
    this.outcome.group = choice.group
    this.outcome.signatureScheme = choice.scheme
    const serverHello = handshakeMessage(HandshakeType.serverHello, choice.serverHelloBody(this.serverRandom))
    const certificates = Buffer.concat(this.options.certificateChain.map((der) => Buffer.concat([u24(der.length), der])))
    const certificate = handshakeMessage(HandshakeType.certificate, Buffer.concat([u24(certificates.length), certificates]))
    const ske = buildServerKeyExchange(this.share, this.clientRandom, this.serverRandom, choice.scheme, this.options.signingKey)
    const done = handshakeMessage(HandshakeType.serverHelloDone, Buffer.alloc(0))
    this.sendHandshake([serverHello, certificate, handshakeMessage(HandshakeType.serverKeyExchange, ske), done])
    this.stage = 'client-key-exchange'
  }

  private onClientKeyExchange(raw: Buffer): void {
    const body = raw.subarray(4)
    const length = body[0] ?? 0
    const premaster = body.length === 1 + length ? this.share?.agree(body.subarray(1)) : undefined
    if (!premaster) return this.abort(ALERT.illegalParameter, 'BAD_KEY_SHARE')
    this.transcript.push(raw)
    // master_secret = PRF(pre_master_secret, "master secret", client_random + server_random)[0..47] (RFC 5246 §8.1).
    this.master = tls12Prf('sha256', premaster, 'master secret', Buffer.concat([this.clientRandom, this.serverRandom]), 48)
    this.options.onKeylog?.(`CLIENT_RANDOM ${this.clientRandom.toString('hex')} ${this.master.toString('hex')}\n`)
    const block = tls12KeyBlock('sha256', this.master, this.clientRandom, this.serverRandom, this.suite.keyLength, 4)
    this.read = new RecordProtection({ suite: this.suite, key: block.clientKey, iv: block.clientIv }, false)
    this.write = new RecordProtection({ suite: this.suite, key: block.serverKey, iv: block.serverIv }, false)
    this.stage = 'change-cipher-spec'
  }

  private onClientFinished(raw: Buffer): void {
    if (!this.master || !this.write) return this.abort(ALERT.unexpectedMessage, 'UNEXPECTED_MESSAGE')
    const expected = tls12FinishedVerifyData('sha256', this.master, 'client', Buffer.concat(this.transcript))
    if (!expected.equals(raw.subarray(4))) return this.abort(ALERT.decryptError, 'CLIENT_FINISHED_MISMATCH')
    this.transcript.push(raw)
    const verify = tls12FinishedVerifyData('sha256', this.master, 'server', Buffer.concat(this.transcript))
    this.socket.write(encodeRecord(ContentType.changeCipherSpec, TLS12, Buffer.from([1])))
    this.socket.write(this.write.seal(ContentType.handshake, TLS12, handshakeMessage(HandshakeType.finished, verify)))
    this.stage = 'established'
    this.outcome.completed = true
  }

  private sendHandshake(messages: Buffer[]): void {
    this.transcript.push(...messages)
    const flight = Buffer.concat(messages)
    for (let at = 0; at < flight.length; at += MAX_RECORD_PLAINTEXT) {
      this.socket.write(encodeRecord(ContentType.handshake, TLS12, flight.subarray(at, at + MAX_RECORD_PLAINTEXT)))
    }
  }

  private alertRecord(description: number, level: 1 | 2): Buffer {
    const body = Buffer.from([level, description])
    return this.write && this.stage === 'established' ? this.write.seal(ContentType.alert, TLS12, body) : encodeRecord(ContentType.alert, TLS12, body)
  }

  private abort(description: number, failure: EngineFailure): void {
    if (this.done) return
    if (!this.socket.destroyed) this.socket.end(this.alertRecord(description, 2))
    this.finish(failure)
  }

  private close(): void {
    if (!this.socket.destroyed) this.socket.end(this.alertRecord(ALERT.closeNotify, 1))
    this.finish(undefined)
  }

  private finish(failure: EngineFailure | undefined): void {
    if (this.done) return
    this.done = true
    clearTimeout(this.timer)
    this.outcome.stage = this.stage
    if (failure) this.outcome.failure = failure
    if (failure === 'TIMEOUT') this.socket.destroy()
    this.resolve(this.outcome)
  }
}

function u24(value: number): Buffer {
  return Buffer.from([value >> 16, (value >> 8) & 0xff, value & 0xff])
}
