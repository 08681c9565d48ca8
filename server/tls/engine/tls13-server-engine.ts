import { constants, randomBytes, sign } from 'node:crypto'
import type { Socket } from 'node:net'
import { handshakeMessage } from '../handshake/hello-structure.js'
import { tls13TrafficKeys } from '../handshake/key-schedule.js'
import { RecordProtection } from '../handshake/record-protection.js'
import { HandshakeType } from '../handshake/tls-names.js'
import { encodeRecord } from '../records/record-splitter.js'
import { ContentType } from '../records/record-types.js'
import type { TlsRecord } from '../records/record-types.js'
import { generateKeyShare } from './ecdhe-key-share.js'
import { ALERT, EngineConnection, u24 } from './engine-connection.js'
import type { EngineOutcome, EngineOptions } from './engine-types.js'
import { applicationTrafficSecrets, certificateVerifyContent, finishedVerifyData, handshakeTrafficSecrets } from './tls13-key-schedule.js'
import type { HandshakeSecrets } from './tls13-key-schedule.js'
import { negotiateTls13 } from './tls13-negotiate.js'
import { aeadSuiteOrThrow } from './tls12-server-engine.js'

const LEGACY_VERSION = 0x0303
const RSA_PSS_RSAE_SHA256 = 0x0804
const SUITE = aeadSuiteOrThrow(0x1301)

/**
 * The server side of one TLS 1.3 handshake (RFC 8446 §2, 1-RTT, x25519,
 * TLS_AES_128_GCM_SHA256), presenting the given chain and signing
 * CertificateVerify with `signingKey` (rsa_pss_rsae_sha256). No PSK, no
 * HelloRetryRequest, no tickets: enough to answer a default Node client.
 */
export function serveTls13(socket: Socket, options: EngineOptions): Promise<EngineOutcome> {
  return new Promise((resolve) => new Tls13ServerHandshake(socket, options, resolve))
}

class Tls13ServerHandshake extends EngineConnection {
  private readonly transcript: Buffer[] = []
  private secrets: HandshakeSecrets | undefined
  private read: RecordProtection | undefined
  private write: RecordProtection | undefined
  private application: { client: Buffer; server: Buffer } | undefined

  protected unprotect(record: TlsRecord): { type: number; content: Buffer } | undefined {
    // Only application_data records are protected in TLS 1.3 (RFC 8446 §5.2); a dummy CCS stays plain.
    if (record.type !== ContentType.applicationData || !this.read) return { type: record.type, content: record.payload }
    return this.read.open(record.type, record.version, record.payload)
  }

  protected protect(type: number, content: Buffer): Buffer {
    return this.write ? this.write.seal(type, LEGACY_VERSION, content) : encodeRecord(type, LEGACY_VERSION, content)
  }

  /** Middlebox-compatibility CCS (RFC 8446 §D.4): ignored, but only before the client Finished. */
  protected onChangeCipherSpec(): void {
    if (this.stage !== 'finished') this.abort(ALERT.unexpectedMessage, 'UNEXPECTED_MESSAGE')
  }

  protected onHandshake(raw: Buffer): void {
    const type = raw[0]
    if (this.stage === 'client-hello' && type === HandshakeType.clientHello) return this.onClientHello(raw)
    if (this.stage === 'finished' && type === HandshakeType.finished) return this.onClientFinished(raw)
    this.abort(ALERT.unexpectedMessage, 'UNEXPECTED_MESSAGE')
  }

  private onClientHello(raw: Buffer): void {
    const choice = negotiateTls13(raw.subarray(4))
    if ('failure' in choice) return this.abort(ALERT.handshakeFailure, choice.failure)
    const share = generateKeyShare('x25519')
    const shared = share.agree(choice.clientShare)
    if (!shared) return this.abort(ALERT.illegalParameter, 'BAD_KEY_SHARE')
    this.outcome.group = 'x25519'
    this.outcome.signatureScheme = 'rsa_pss_rsae_sha256'
    const serverHello = handshakeMessage(HandshakeType.serverHello, choice.serverHelloBody(randomBytes(32), share.publicKey))
    this.transcript.push(raw, serverHello)
    this.socket.write(encodeRecord(ContentType.handshake, LEGACY_VERSION, serverHello))
    if (choice.sessionId.length > 0) this.socket.write(encodeRecord(ContentType.changeCipherSpec, LEGACY_VERSION, Buffer.from([1])))
    this.secrets = handshakeTrafficSecrets(shared, this.transcript)
    this.options.onKeylog?.(keylogLines(choice.clientRandom, { CLIENT_HANDSHAKE_TRAFFIC_SECRET: this.secrets.client, SERVER_HANDSHAKE_TRAFFIC_SECRET: this.secrets.server }))
    this.read = protection(this.secrets.client)
    this.write = protection(this.secrets.server)
    for (const message of this.serverFlight()) {
      this.transcript.push(message)
      this.socket.write(this.protect(ContentType.handshake, message))
    }
    this.socket.write(this.finishedMessage())
    this.application = applicationTrafficSecrets(this.secrets.handshakeSecret, this.transcript)
    this.options.onKeylog?.(keylogLines(choice.clientRandom, { CLIENT_TRAFFIC_SECRET_0: this.application.client, SERVER_TRAFFIC_SECRET_0: this.application.server }))
    this.write = protection(this.application.server)
    this.stage = 'finished'
  }

  /** EncryptedExtensions, Certificate and CertificateVerify (RFC 8446 §4.3.1, §4.4.2, §4.4.3). */
  private serverFlight(): Buffer[] {
    const encryptedExtensions = handshakeMessage(HandshakeType.encryptedExtensions, Buffer.from([0, 0]))
    const entries = Buffer.concat(this.options.certificateChain.map((der) => Buffer.concat([u24(der.length), der, Buffer.from([0, 0])])))
    const certificate = handshakeMessage(HandshakeType.certificate, Buffer.concat([Buffer.from([0]), u24(entries.length), entries]))
    const signature = sign('sha256', certificateVerifyContent([...this.transcript, encryptedExtensions, certificate]), {
      key: this.options.signingKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    })
    const verifyBody = Buffer.concat([Buffer.from([RSA_PSS_RSAE_SHA256 >> 8, RSA_PSS_RSAE_SHA256 & 0xff, signature.length >> 8, signature.length & 0xff]), signature])
    return [encryptedExtensions, certificate, handshakeMessage(HandshakeType.certificateVerify, verifyBody)]
  }

  private finishedMessage(): Buffer {
    if (!this.secrets) throw new TypeError('Finished before the handshake secrets')
    const finished = handshakeMessage(HandshakeType.finished, finishedVerifyData(this.secrets.server, this.transcript))
    this.transcript.push(finished)
    return this.protect(ContentType.handshake, finished)
  }

  private onClientFinished(raw: Buffer): void {
    if (!this.secrets || !this.application) return this.abort(ALERT.unexpectedMessage, 'UNEXPECTED_MESSAGE')
    if (!finishedVerifyData(this.secrets.client, this.transcript).equals(raw.subarray(4))) return this.abort(ALERT.decryptError, 'CLIENT_FINISHED_MISMATCH')
    this.read = protection(this.application.client)
    this.stage = 'established'
    this.outcome.completed = true
  }
}

function protection(secret: Buffer): RecordProtection {
  const { key, iv } = tls13TrafficKeys(SUITE.hash, secret, SUITE.keyLength)
  return new RecordProtection({ suite: SUITE, key, iv }, true)
}

function keylogLines(clientRandom: Buffer, secrets: Record<string, Buffer>): string {
  return Object.entries(secrets)
    .map(([label, secret]) => `${label} ${clientRandom.toString('hex')} ${secret.toString('hex')}\n`)
    .join('')
}
