import { createHash, createHmac } from 'node:crypto'
import { hkdfExpandLabel } from '../handshake/key-schedule.js'

/**
 * The TLS 1.3 key schedule for SHA-256 suites, without PSK (RFC 8446 §7.1):
 * Early Secret → Handshake Secret (with the ECDHE secret) → Master Secret.
 */
const HASH = 'sha256'
const ZEROS = Buffer.alloc(32)

const extract = (salt: Buffer, ikm: Buffer): Buffer => createHmac(HASH, salt).update(ikm).digest()
const transcriptHash = (messages: readonly Buffer[]): Buffer => createHash(HASH).update(Buffer.concat(messages)).digest()
const deriveSecret = (secret: Buffer, label: string, messages: readonly Buffer[]): Buffer =>
  hkdfExpandLabel(HASH, secret, label, transcriptHash(messages), 32)

export interface HandshakeSecrets {
  client: Buffer
  server: Buffer
  /** Input to the master secret. */
  handshakeSecret: Buffer
}

/** client/server_handshake_traffic_secret over ClientHello..ServerHello. */
export function handshakeTrafficSecrets(sharedSecret: Buffer, helloMessages: readonly Buffer[]): HandshakeSecrets {
  const early = extract(ZEROS, ZEROS)
  const handshakeSecret = extract(deriveSecret(early, 'derived', []), sharedSecret)
  return {
    client: deriveSecret(handshakeSecret, 'c hs traffic', helloMessages),
    server: deriveSecret(handshakeSecret, 's hs traffic', helloMessages),
    handshakeSecret,
  }
}

/** client/server_application_traffic_secret_0 over ClientHello..server Finished. */
export function applicationTrafficSecrets(handshakeSecret: Buffer, messages: readonly Buffer[]): { client: Buffer; server: Buffer } {
  const master = extract(deriveSecret(handshakeSecret, 'derived', []), ZEROS)
  return { client: deriveSecret(master, 'c ap traffic', messages), server: deriveSecret(master, 's ap traffic', messages) }
}

/** verify_data = HMAC(finished_key, Transcript-Hash) (RFC 8446 §4.4.4). */
export function finishedVerifyData(trafficSecret: Buffer, messages: readonly Buffer[]): Buffer {
  const finishedKey = hkdfExpandLabel(HASH, trafficSecret, 'finished', Buffer.alloc(0), 32)
  return createHmac(HASH, finishedKey).update(transcriptHash(messages)).digest()
}

/** The content a server CertificateVerify signs: 64 spaces, the context string, 0, the transcript hash (RFC 8446 §4.4.3). */
export function certificateVerifyContent(messages: readonly Buffer[]): Buffer {
  return Buffer.concat([Buffer.alloc(64, 0x20), Buffer.from('TLS 1.3, server CertificateVerify', 'ascii'), Buffer.from([0]), transcriptHash(messages)])
}
