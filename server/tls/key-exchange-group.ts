import { groupName } from './client-hello/names.js'

/**
 * What a TLS key-exchange group protects against, for the lab's "harvest now, decrypt later" lesson.
 *
 * - hybrid: an ECDH share and an ML-KEM encapsulation combined (draft-ietf-tls-ecdhe-mlkem §3,
 *   design in draft-ietf-tls-hybrid-design): secure if either part holds, so a recording made
 *   today stays secret against a future quantum computer. What Chrome, Firefox and Node 24 send.
 * - post-quantum: ML-KEM alone (draft-ietf-tls-mlkem, FIPS 203).
 * - classical: (EC)DHE only; Shor's algorithm breaks it once a large quantum computer exists.
 */
export type KeyExchangeKind = 'hybrid' | 'post-quantum' | 'classical'

/** IANA TLS Supported Groups code points of the PQ hybrids (and the pre-standard Kyber draft Chrome 116-130 sent). */
export const HYBRID_GROUPS: ReadonlySet<number> = new Set([0x11eb, 0x11ec, 0x11ed, 0x6399])
/** Pure ML-KEM groups (draft-ietf-tls-mlkem §3). */
export const POST_QUANTUM_GROUPS: ReadonlySet<number> = new Set([0x0200, 0x0201, 0x0202])

/** How node:tls (OpenSSL) names groups in `getEphemeralKeyInfo()`, mapped to the IANA names the lab shows. */
const OPENSSL_TO_IANA: Record<string, string> = {
  X25519: 'x25519',
  X448: 'x448',
  prime256v1: 'secp256r1',
  'P-256': 'secp256r1',
  secp384r1: 'secp384r1',
  'P-384': 'secp384r1',
  secp521r1: 'secp521r1',
  'P-521': 'secp521r1',
}

/** The IANA name of a group as OpenSSL names it (`X25519` → `x25519`; hybrids keep their name). */
export function ianaGroupName(opensslName: string): string {
  return OPENSSL_TO_IANA[opensslName] ?? opensslName
}

const KIND_BY_NAME = new Map<string, KeyExchangeKind>([
  ...[...HYBRID_GROUPS].map((code) => [groupName(code), 'hybrid'] as const),
  ...[...POST_QUANTUM_GROUPS].map((code) => [groupName(code), 'post-quantum'] as const),
])

/** The kind of a group given by its IANA name (as the handshake decoder and ianaGroupName give it). */
export function keyExchangeKind(group: string): KeyExchangeKind {
  return KIND_BY_NAME.get(group) ?? 'classical'
}

/** A group a future quantum computer cannot break (hybrid or pure ML-KEM). */
export function isQuantumResistant(group: string | null | undefined): boolean {
  return group !== null && group !== undefined && keyExchangeKind(group) !== 'classical'
}
