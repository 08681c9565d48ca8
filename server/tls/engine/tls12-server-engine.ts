import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import { aeadSuite } from '../handshake/cipher-suites.js'
import type { AeadSuite } from '../handshake/cipher-suites.js'
import { handshakeMessage } from '../handshake/hello-structure.js'
import { tls12FinishedVerifyData, tls12KeyBlock, tls12Prf } from '../handshake/key-schedule.js'
import { RecordProtection } from '../handshake/record-protection.js'
import { HandshakeType } from '../handshake/tls-names.js'
import { encodeRecord } from '../records/record-splitter.js'
import { ContentType } from '../records/record-types.js'
import type { TlsRecord } from '../records/record-types.js'
import { generateKeyShare } from './ecdhe-key-share.js'
import type { EphemeralKeyShare } from './ecdhe-key-share.js'
import { ALERT, EngineConnection, u24 } from './engine-connection.js'
import type { EngineOutcome, EngineOptions } from './engine-types.js'
import { negotiate } from './negotiate.js'
import { buildServerKeyExchange } from './server-key-exchange.js'

const TLS12 = 0x0303
const MAX_RECORD_PLAINTEXT = 2 ** 14

/**
 * The server side of one TLS 1.2 ECDHE_RSA_WITH_AES_128_GCM_SHA256 handshake
 * (RFC 5246 §7.3, RFC 8422, RFC 5288), built on node:crypto so it can present
 * a certificate chain whose private key it does not hold, which OpenSSL
 * refuses to do. Not a general TLS stack: one suite, no resumption, no
 * renegotiation, no extended master secret (the client accepts its absence).
 */
export function serveTls12(socket: Socket, options: EngineOptions): Promise<EngineOutcome> {
  return new Promise((resolve) => new Tls12ServerHandshake(socket, options, resolve))
}

class Tls12ServerHandshake extends EngineConnection {
  private readonly transcript: Buffer[] = []
  private clientRandom: Buffer = Buffer.alloc(0)
  private readonly serverRandom = randomBytes(32)
  private share: EphemeralKeyShare | undefined
  private master: Buffer | undefined
  private read: RecordProtection | undefined
  private write: RecordProtection | undefined
  private clientEncrypting = false
  private serverEncrypting = false
  private readonly suite: AeadSuite = aeadSuiteOrThrow(0xc02f)

  protected unprotect(record: TlsRecord): { type: number; content: Buffer } | undefined {
    if (!this.clientEncrypting || !this.read) return { type: record.type, content: record.payload }
    return this.read.open(record.type, record.version, record.payload)
  }

  protected protect(type: number, content: Buffer): Buffer {
    return this.serverEncrypting && this.write ? this.write.seal(type, TLS12, content) : encodeRecord(type, TLS12, content)
  }

  protected onChangeCipherSpec(): void {
    if (this.stage !== 'change-cipher-spec') return this.abort(ALERT.unexpectedMessage, 'UNEXPECTED_MESSAGE')
    this.clientEncrypting = true
    this.stage = 'finished'
  }

  protected onHandshake(raw: Buffer): void {
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
    const flight = [serverHello, certificate, handshakeMessage(HandshakeType.serverKeyExchange, ske), done]
    this.transcript.push(...flight)
    const bytes = Buffer.concat(flight)
    for (let at = 0; at < bytes.length; at += MAX_RECORD_PLAINTEXT) {
      this.socket.write(encodeRecord(ContentType.handshake, TLS12, bytes.subarray(at, at + MAX_RECORD_PLAINTEXT)))
    }
    this.stage = 'client-key-exchange'
  }

  private onClientKeyExchange(raw: Buffer): void {
    const body = raw.subarray(4)
    const premaster = body.length === 1 + (body[0] ?? 0) ? this.share?.agree(body.subarray(1)) : undefined
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
    if (!this.master) return this.abort(ALERT.unexpectedMessage, 'UNEXPECTED_MESSAGE')
    const expected = tls12FinishedVerifyData('sha256', this.master, 'client', Buffer.concat(this.transcript))
    if (!expected.equals(raw.subarray(4))) return this.abort(ALERT.decryptError, 'CLIENT_FINISHED_MISMATCH')
    this.transcript.push(raw)
    const verify = tls12FinishedVerifyData('sha256', this.master, 'server', Buffer.concat(this.transcript))
    this.socket.write(encodeRecord(ContentType.changeCipherSpec, TLS12, Buffer.from([1])))
    this.serverEncrypting = true
    this.socket.write(this.protect(ContentType.handshake, handshakeMessage(HandshakeType.finished, verify)))
    this.stage = 'established'
    this.outcome.completed = true
  }
}

export function aeadSuiteOrThrow(id: number): AeadSuite {
  const suite = aeadSuite(id)
  if (!suite) throw new TypeError(`cipher suite table lacks 0x${id.toString(16)}`)
  return suite
}
