import type { HandshakeFields } from './message-fields.js'

export type Direction = 'clientToServer' | 'serverToClient'

/** One handshake message (or ChangeCipherSpec, which the handshake explainers list too). */
export interface HandshakeMessage {
  direction: Direction
  /** 'ClientHello', 'EncryptedExtensions', 'ChangeCipherSpec', ... */
  name: string
  /** Handshake msg_type (RFC 8446 §4); undefined for ChangeCipherSpec. */
  type?: number
  /** True when it travelled inside protected records and was decrypted with the key log. */
  encrypted: boolean
  /** Body length in bytes (without the 4-byte header). */
  length: number
  fields: HandshakeFields
}

export interface AlertSeen {
  direction: Direction
  level: 'warning' | 'fatal' | 'unknown'
  description: string
  encrypted: boolean
}

export type TranscriptErrorCode =
  | 'RECORD_FRAMING'
  | 'TRUNCATED_RECORD'
  | 'NO_CLIENT_HELLO'
  | 'NO_SERVER_HELLO'
  | 'NO_KEYS'
  | 'UNSUPPORTED_CIPHER_SUITE'
  | 'DECRYPT_FAILED'
  | 'MALFORMED_MESSAGE'
  | 'HANDSHAKE_MESSAGE_TOO_LARGE'
  | 'UNEXPECTED_RECORD'
  | 'LIMIT_REACHED'

export interface TranscriptError {
  direction?: Direction
  code: TranscriptErrorCode
  message: string
}

export type FinishedCheck = 'verified' | 'mismatch' | 'not-checked'

export interface DirectionTotals {
  applicationRecords: number
  applicationBytes: number
  /** The sender closed with close_notify (RFC 8446 §6.1). */
  closeNotify: boolean
  /** Protected records the decoder could not open (no keys or after a failure). */
  undecodedRecords: number
}

/** What decodeConnection recovered from one connection's two byte streams and its key log. */
export interface HandshakeTranscript {
  version?: string
  cipherSuite?: string
  keyShareGroup?: string
  sni?: string
  alpnOffered?: readonly string[]
  alpn?: string
  /** Of CertificateVerify (TLS 1.3) or ServerKeyExchange (TLS 1.2). */
  signatureScheme?: string
  /** In the server's Certificate message. */
  certificateCount?: number
  /** ServerHello.random carries the RFC 8446 §4.1.3 sentinel. */
  downgradeSentinel?: 'TLS12' | 'TLS11_OR_BELOW'
  /** Both directions merged in protocol order. */
  messages: HandshakeMessage[]
  clientToServer: HandshakeMessage[]
  serverToClient: HandshakeMessage[]
  alerts: AlertSeen[]
  finished: { client: FinishedCheck; server: FinishedCheck }
  totals: Record<Direction, DirectionTotals>
  errors: TranscriptError[]
}
