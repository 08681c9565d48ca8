import { ByteReader, uint16List } from '../handshake/byte-reader.js'
import { findExtension, parseClientHelloBody, parseClientSupportedVersions, serializeServerHelloBody } from '../handshake/hello-structure.js'
import type { EngineFailure } from './engine-types.js'

const SUITE = 0x1301 // TLS_AES_128_GCM_SHA256
const X25519 = 0x001d
const RSA_PSS_RSAE_SHA256 = 0x0804
const EXT_SIG_ALGS = 13
const EXT_VERSIONS = 43
const EXT_KEY_SHARE = 51

export interface Tls13Negotiated {
  clientRandom: Buffer
  sessionId: Buffer
  clientShare: Buffer
  serverHelloBody(serverRandom: Buffer, serverShare: Buffer): Buffer
}

/**
 * Accepts a ClientHello that offers TLS 1.3, TLS_AES_128_GCM_SHA256, an
 * x25519 key share and rsa_pss_rsae_sha256 (what Node clients send by
 * default). Anything else is refused rather than negotiated: no HelloRetryRequest.
 */
export function negotiateTls13(body: Buffer): Tls13Negotiated | { failure: EngineFailure } {
  const hello = parseClientHelloBody(body)
  const versions = findExtension(hello.extensions, EXT_VERSIONS)
  if (!versions || !parseClientSupportedVersions(versions).includes(0x0304)) return { failure: 'NO_COMMON_CIPHER_SUITE' }
  if (!hello.cipherSuites.includes(SUITE)) return { failure: 'NO_COMMON_CIPHER_SUITE' }
  const sigAlgs = findExtension(hello.extensions, EXT_SIG_ALGS)
  if (!sigAlgs || !uint16List(new ByteReader(sigAlgs).vector(2, 'signature_algorithms')).includes(RSA_PSS_RSAE_SHA256)) {
    return { failure: 'NO_COMMON_SIGNATURE_SCHEME' }
  }
  const shares = findExtension(hello.extensions, EXT_KEY_SHARE)
  const list = new ByteReader(shares ? new ByteReader(shares).vector(2, 'client_shares') : Buffer.alloc(0))
  let clientShare: Buffer | undefined
  while (list.remaining > 0) {
    const group = list.u16('group')
    const keyExchange = list.vector(2, 'key_exchange')
    if (group === X25519) clientShare = keyExchange
  }
  if (!clientShare) return { failure: 'NO_COMMON_GROUP' }
  const share = clientShare
  return {
    clientRandom: Buffer.from(hello.random),
    sessionId: Buffer.from(hello.sessionId),
    clientShare: share,
    serverHelloBody: (serverRandom, serverShare) =>
      serializeServerHelloBody({
        legacyVersion: 0x0303,
        random: serverRandom,
        sessionId: hello.sessionId,
        cipherSuite: SUITE,
        compressionMethod: 0,
        extensions: [
          { type: EXT_VERSIONS, data: Buffer.from([0x03, 0x04]) },
          { type: EXT_KEY_SHARE, data: Buffer.concat([Buffer.from([0x00, 0x1d, serverShare.length >> 8, serverShare.length & 0xff]), serverShare]) },
        ],
      }),
  }
}
