import type { KeyObject } from 'node:crypto'
import type { EngineGroup } from './ecdhe-key-share.js'
import type { EngineSignatureScheme } from './server-key-exchange.js'

export interface EngineOptions {
  /** TLS 1.2: ECDHE-RSA-AES128-GCM-SHA256, ServerKeyExchange signed. TLS 1.3: AES-128-GCM, CertificateVerify signed. Default TLS 1.2. */
  version?: 'TLSv1.2' | 'TLSv1.3'
  /** DER certificates to present, leaf first: e.g. the genuine server's chain. */
  certificateChain: readonly Buffer[]
  /** RSA key that signs ServerKeyExchange / CertificateVerify. It need not belong to the leaf: that is the attack. */
  signingKey: KeyObject
  /** Preference order. Default: x25519, then secp256r1. */
  groups?: readonly EngineGroup[]
  /** Answers each application record. Default: echo. */
  respond?: (data: Buffer) => Buffer
  /** NSS key log lines (CLIENT_RANDOM), so the lab can decode the engine's connections too. */
  onKeylog?: (line: string) => void
  /** Default 10 s. */
  timeoutMs?: number
}

export type EngineStage = 'client-hello' | 'client-key-exchange' | 'change-cipher-spec' | 'finished' | 'established' | 'closed'

export type EngineFailure =
  | 'NO_COMMON_CIPHER_SUITE'
  | 'NO_COMMON_GROUP'
  | 'NO_COMMON_SIGNATURE_SCHEME'
  | 'UNEXPECTED_MESSAGE'
  | 'MALFORMED_MESSAGE'
  | 'BAD_KEY_SHARE'
  | 'BAD_RECORD_MAC'
  | 'CLIENT_FINISHED_MISMATCH'
  | 'CLIENT_ALERT'
  | 'PEER_CLOSED'
  | 'TIMEOUT'

/** How one engine connection ended: a value, whatever the client did. */
export interface EngineOutcome {
  /** Both Finished messages exchanged and verified. */
  completed: boolean
  /** Where the handshake was when the connection ended. */
  stage: EngineStage
  failure?: EngineFailure
  /** The alert the client sent, RFC 8446 §6 name. */
  clientAlert?: string
  group?: EngineGroup
  signatureScheme?: EngineSignatureScheme
  applicationRecords: number
}
