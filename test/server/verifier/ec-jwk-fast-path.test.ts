import { createPublicKey } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '../../../ca/index.js'
import { ecJwk } from '../../../server/verifier/verification-memo.js'

// verification-memo.ts loads named-curve EC keys from a JWK because OpenSSL imports that faster than
// the SPKI DER. The fast path must build exactly the key the DER describes, and only for EC keys.
describe('the EC JWK fast path for loading keys', () => {
  it.each(['P-256', 'P-384', 'P-521'] as const)('builds, for %s, the same public key as the SPKI DER', (curve) => {
    const { spkiDer } = generateKeyPair({ type: 'ec', curve })
    const jwk = ecJwk(spkiDer)
    expect(jwk).toMatchObject({ kty: 'EC', crv: curve })
    const fromJwk = createPublicKey({ key: jwk ?? {}, format: 'jwk' }).export({ type: 'spki', format: 'der' })
    expect(Buffer.from(fromJwk).equals(Buffer.from(spkiDer))).toBe(true)
  })

  it('leaves RSA and Ed25519 keys to the DER path', () => {
    expect(ecJwk(generateKeyPair({ type: 'rsa', bits: 2048 }).spkiDer)).toBeNull()
    expect(ecJwk(generateKeyPair({ type: 'ed25519' }).spkiDer)).toBeNull()
  })
})
