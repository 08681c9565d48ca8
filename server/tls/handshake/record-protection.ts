import { createCipheriv, createDecipheriv } from 'node:crypto'
import type { CipherGCMTypes } from 'node:crypto'
import type { AeadSuite } from './cipher-suites.js'

/**
 * AEAD record protection for one direction of a connection: TLS 1.3
 * (RFC 8446 §5.2–5.3) and TLS 1.2 AEAD suites (RFC 5246 §6.2.3.3, RFC 5288 §3,
 * RFC 7905 §2). Tracks the 64-bit sequence number; decrypt returns undefined
 * when the tag does not verify, which is exactly bad_record_mac.
 */
export interface RecordKeys {
  suite: AeadSuite
  key: Buffer
  /** 12 bytes (TLS 1.3, ChaCha20) or the 4-byte GCM salt (TLS 1.2). */
  iv: Buffer
}

const TAG_LENGTH = 16
const EXPLICIT_NONCE_LENGTH = 8

export interface OpenedRecord {
  /** TLS 1.3: the inner content type; TLS 1.2: the outer one. */
  type: number
  content: Buffer
}

export class RecordProtection {
  private sequence = 0n

  constructor(
    private readonly keys: RecordKeys,
    private readonly tls13: boolean,
  ) {}

  get nextSequence(): bigint {
    return this.sequence
  }

  /** Opens one protected record payload. Undefined = authentication failed or malformed. */
  open(outerType: number, version: number, payload: Buffer): OpenedRecord | undefined {
    const seq = this.sequence++
    const explicit = this.usesExplicitNonce()
    const overhead = TAG_LENGTH + (explicit ? EXPLICIT_NONCE_LENGTH : 0)
    if (payload.length < overhead) return undefined
    const nonce = explicit ? Buffer.concat([this.keys.iv, payload.subarray(0, EXPLICIT_NONCE_LENGTH)]) : this.xorNonce(seq)
    const body = payload.subarray(explicit ? EXPLICIT_NONCE_LENGTH : 0, payload.length - TAG_LENGTH)
    const tag = payload.subarray(payload.length - TAG_LENGTH)
    const aad = this.tls13 ? header(outerType, version, payload.length) : tls12Aad(seq, outerType, version, body.length)
    const plain = aeadOpen(this.keys, nonce, aad, body, tag)
    if (!plain) return undefined
    if (!this.tls13) return { type: outerType, content: plain }
    // TLSInnerPlaintext: content || type || zeros (RFC 8446 §5.2).
    let end = plain.length - 1
    while (end >= 0 && plain[end] === 0) end--
    if (end < 0) return undefined
    return { type: plain[end] ?? 0, content: plain.subarray(0, end) }
  }

  /** Seals content into a full record (header included). */
  seal(type: number, version: number, content: Buffer): Buffer {
    const seq = this.sequence++
    if (this.tls13) {
      const inner = Buffer.concat([content, Buffer.from([type])])
      const aad = header(23, version, inner.length + TAG_LENGTH)
      const { body, tag } = aeadSeal(this.keys, this.xorNonce(seq), aad, inner)
      return Buffer.concat([aad, body, tag])
    }
    const aad = tls12Aad(seq, type, version, content.length)
    if (!this.usesExplicitNonce()) {
      const { body, tag } = aeadSeal(this.keys, this.xorNonce(seq), aad, content)
      return Buffer.concat([header(type, version, body.length + TAG_LENGTH), body, tag])
    }
    // RFC 5288 §3: the explicit nonce may be the sequence number; it must never repeat.
    const explicitNonce = Buffer.alloc(EXPLICIT_NONCE_LENGTH)
    explicitNonce.writeBigUInt64BE(seq)
    const { body, tag } = aeadSeal(this.keys, Buffer.concat([this.keys.iv, explicitNonce]), aad, content)
    const length = EXPLICIT_NONCE_LENGTH + body.length + TAG_LENGTH
    return Buffer.concat([header(type, version, length), explicitNonce, body, tag])
  }

  private usesExplicitNonce(): boolean {
    return !this.tls13 && this.keys.suite.aead !== 'chacha20-poly1305'
  }

  /** Per-record nonce: the 12-byte IV XOR the left-padded sequence number (RFC 8446 §5.3, RFC 7905 §2). */
  private xorNonce(seq: bigint): Buffer {
    const nonce = Buffer.from(this.keys.iv)
    const padded = Buffer.alloc(12)
    padded.writeBigUInt64BE(seq, 4)
    for (let i = 0; i < 12; i++) nonce[i] = (nonce[i] ?? 0) ^ (padded[i] ?? 0)
    return nonce
  }
}

function header(type: number, version: number, length: number): Buffer {
  return Buffer.from([type, version >> 8, version & 0xff, length >> 8, length & 0xff])
}

/** additional_data = seq_num + type + version + length (RFC 5246 §6.2.3.3). */
function tls12Aad(seq: bigint, type: number, version: number, length: number): Buffer {
  const aad = Buffer.alloc(13)
  aad.writeBigUInt64BE(seq)
  header(type, version, length).copy(aad, 8)
  return aad
}

function aeadOpen(keys: RecordKeys, nonce: Buffer, aad: Buffer, body: Buffer, tag: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv(keys.suite.aead as CipherGCMTypes, keys.key, nonce, { authTagLength: TAG_LENGTH })
    decipher.setAAD(aad, { plaintextLength: body.length })
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(body), decipher.final()])
  } catch {
    // node:crypto reports a failed tag check by throwing from final(); that is an expected outcome here.
    return undefined
  }
}

function aeadSeal(keys: RecordKeys, nonce: Buffer, aad: Buffer, content: Buffer): { body: Buffer; tag: Buffer } {
  const cipher = createCipheriv(keys.suite.aead as CipherGCMTypes, keys.key, nonce, { authTagLength: TAG_LENGTH })
  cipher.setAAD(aad, { plaintextLength: content.length })
  const body = Buffer.concat([cipher.update(content), cipher.final()])
  return { body, tag: cipher.getAuthTag() }
}
