import { createHash, createHmac } from 'node:crypto'
import type { HashName } from './cipher-suites.js'
import { hashLength } from './cipher-suites.js'

/** HKDF-Expand (RFC 5869 §2.3). node:crypto's hkdfSync always extracts first, so expand is done here. */
export function hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Buffer {
  // N = ceil(L / HashLen) blocks, T(i) = HMAC(PRK, T(i-1) | info | i) with T(0) empty and i from 1.
  const blockCount = Math.ceil(length / hashLength(hash))
  const blocks: Buffer[] = []
  let previous: Buffer = Buffer.alloc(0)
  for (let counter = 1; counter <= blockCount; counter++) {
    previous = createHmac(hash, prk).update(previous).update(info).update(Buffer.from([counter])).digest()
    blocks.push(previous)
  }
  return Buffer.concat(blocks).subarray(0, length)
}

/** HKDF-Expand-Label (RFC 8446 §7.1): info is struct { uint16 length; opaque label<7..255>; opaque context<0..255> }. */
export function hkdfExpandLabel(
  hash: HashName,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'ascii')
  const info = Buffer.concat([
    Buffer.from([length >> 8, length & 0xff, fullLabel.length]),
    fullLabel,
    Buffer.from([context.length]),
    context,
  ])
  return hkdfExpand(hash, secret, info, length)
}

/** Traffic key and IV from a traffic secret (RFC 8446 §7.3). */
export function tls13TrafficKeys(
  hash: HashName,
  secret: Uint8Array,
  keyLength: number,
): { key: Buffer; iv: Buffer } {
  const empty = Buffer.alloc(0)
  return { key: hkdfExpandLabel(hash, secret, 'key', empty, keyLength), iv: hkdfExpandLabel(hash, secret, 'iv', empty, 12) }
}

/** verify_data of a TLS 1.3 Finished: HMAC(finished_key, Transcript-Hash) (RFC 8446 §4.4.4). */
export function tls13FinishedVerifyData(hash: HashName, baseKey: Uint8Array, transcriptHash: Uint8Array): Buffer {
  const finishedKey = hkdfExpandLabel(hash, baseKey, 'finished', Buffer.alloc(0), hashLength(hash))
  return createHmac(hash, finishedKey).update(transcriptHash).digest()
}

/** P_hash data expansion of the TLS 1.2 PRF (RFC 5246 §5). */
export function tls12Prf(hash: HashName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
  const labelAndSeed = Buffer.concat([Buffer.from(label, 'ascii'), seed])
  const out: Buffer[] = []
  let a: Buffer = createHmac(hash, secret).update(labelAndSeed).digest()
  let produced = 0
  while (produced < length) {
    const block = createHmac(hash, secret).update(a).update(labelAndSeed).digest()
    out.push(block)
    produced += block.length
    a = createHmac(hash, secret).update(a).digest()
  }
  return Buffer.concat(out).subarray(0, length)
}

export interface Tls12KeyBlock {
  clientKey: Buffer
  serverKey: Buffer
  clientIv: Buffer
  serverIv: Buffer
}

/**
 * key_block = PRF(master_secret, "key expansion", server_random + client_random)
 * (RFC 5246 §6.3). AEAD suites have no MAC keys.
 */
export function tls12KeyBlock(
  hash: HashName,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  keyLength: number,
  ivLength: number,
): Tls12KeyBlock {
  const block = tls12Prf(hash, masterSecret, 'key expansion', Buffer.concat([serverRandom, clientRandom]), 2 * (keyLength + ivLength))
  let at = 0
  const take = (n: number): Buffer => block.subarray(at, (at += n))
  return { clientKey: take(keyLength), serverKey: take(keyLength), clientIv: take(ivLength), serverIv: take(ivLength) }
}

/** verify_data of a TLS 1.2 Finished: 12 bytes of PRF over the transcript hash (RFC 5246 §7.4.9). */
export function tls12FinishedVerifyData(
  hash: HashName,
  masterSecret: Uint8Array,
  sender: 'client' | 'server',
  handshakeMessages: Uint8Array,
): Buffer {
  const digest = createHash(hash).update(handshakeMessages).digest()
  return tls12Prf(hash, masterSecret, `${sender} finished`, digest, 12)
}
