import { constants, sign } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import type { EphemeralKeyShare } from './ecdhe-key-share.js'
import { GROUP_IDS } from './ecdhe-key-share.js'

/** RSA signature schemes the engine can produce for ECDHE_RSA (RFC 8446 §4.2.3 code points, used by TLS 1.2 too). */
export type EngineSignatureScheme = 'rsa_pss_rsae_sha256' | 'rsa_pkcs1_sha256'

export const SCHEME_IDS: Readonly<Record<EngineSignatureScheme, number>> = { rsa_pss_rsae_sha256: 0x0804, rsa_pkcs1_sha256: 0x0401 }

/**
 * ServerKeyExchange body for ECDHE (RFC 8422 §5.4): ServerECDHParams
 * (curve_type named_curve, the group, the public point) followed by a
 * digitally-signed struct over client_random + server_random + params
 * (RFC 5246 §7.4.3). Whoever holds `signingKey` is what the signature proves.
 */
export function buildServerKeyExchange(
  share: EphemeralKeyShare,
  clientRandom: Buffer,
  serverRandom: Buffer,
  scheme: EngineSignatureScheme,
  signingKey: KeyObject,
): Buffer {
  const group = GROUP_IDS[share.group]
  const params = Buffer.concat([Buffer.from([3, group >> 8, group & 0xff, share.publicKey.length]), share.publicKey])
  const signed = Buffer.concat([clientRandom, serverRandom, params])
  const signature =
    scheme === 'rsa_pss_rsae_sha256'
      ? sign('sha256', signed, { key: signingKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
      : sign('sha256', signed, signingKey)
  const id = SCHEME_IDS[scheme]
  return Buffer.concat([params, Buffer.from([id >> 8, id & 0xff, signature.length >> 8, signature.length & 0xff]), signature])
}
