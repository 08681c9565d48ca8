import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto'

/** The ECDHE groups the engine offers (RFC 8422 §5.1.1, RFC 7748). */
export type EngineGroup = 'x25519' | 'secp256r1'

export const GROUP_IDS: Readonly<Record<EngineGroup, number>> = { x25519: 0x001d, secp256r1: 0x0017 }

export interface EphemeralKeyShare {
  group: EngineGroup
  /** The public value as sent in ServerKeyExchange: 32 raw bytes (X25519) or an uncompressed point (P-256). */
  publicKey: Buffer
  /** The premaster secret with the peer's public value, or undefined if that value is invalid. */
  agree(peerPublic: Buffer): Buffer | undefined
}

export function generateKeyShare(group: EngineGroup): EphemeralKeyShare {
  if (group === 'secp256r1') {
    const ecdh = createECDH('prime256v1')
    const publicKey = ecdh.generateKeys()
    return {
      group,
      publicKey,
      agree(peer) {
        try {
          return ecdh.computeSecret(peer)
        } catch {
          return undefined // not a point on the curve: an expected hostile input
        }
      },
    }
  }
  const { privateKey, publicKey } = generateKeyPairSync('x25519')
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url')
  return {
    group,
    publicKey: raw,
    agree(peer) {
      if (peer.length !== 32) return undefined
      try {
        const peerKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: peer.toString('base64url') }, format: 'jwk' })
        return diffieHellman({ privateKey, publicKey: peerKey })
      } catch {
        return undefined
      }
    },
  }
}
