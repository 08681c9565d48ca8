import { ByteReader, WireFormatError } from './byte-reader.js'
import { decodeExtensions, type DecodedExtensions } from './extensions.js'
import { isGrease, isGreaseAlpn } from './grease.js'
import { assembleClientHelloMessage } from './record-assembly.js'
import type { ClientHello, ClientHelloParse } from './types.js'

export type { ClientHello, ClientHelloParse, ClientHelloErrorCode, ClientHelloExtension } from './types.js'
export { isGrease } from './grease.js'

/**
 * Parses the ClientHello at the start of raw TLS record bytes (RFC 8446 §4.1.2).
 * Never throws on input: malformed, foreign or oversized bytes are a value, and
 * a valid prefix is `INCOMPLETE` with the number of bytes still needed.
 *
 * @example
 * const parsed = parseClientHello(peekedBytes)
 * if (parsed.ok) console.log(parsed.hello.sni, parsed.hello.cipherSuites)
 * else if (parsed.code === 'INCOMPLETE') readMore(parsed.needBytes)
 */
export function parseClientHello(bytes: Uint8Array): ClientHelloParse {
  const assembled = assembleClientHelloMessage(bytes)
  if (!assembled.ok) return assembled
  try {
    const body = new ByteReader(assembled.message.subarray(4))
    const hello = readBody(body)
    return {
      ok: true,
      consumedBytes: assembled.consumedBytes,
      hello: {
        ...hello,
        recordVersion: assembled.recordVersion,
        handshakeLength: assembled.message.length - 4,
        recordCount: assembled.recordCount,
      },
    }
  } catch (error) {
    if (error instanceof WireFormatError) return { ok: false, code: 'MALFORMED', message: error.message }
    throw error
  }
}

type BodyFields = Omit<ClientHello, 'recordVersion' | 'handshakeLength' | 'recordCount'>

function readBody(body: ByteReader): BodyFields {
  const legacyVersion = body.u16('legacy_version')
  const random = toHex(body.take(32, 'random'))
  // RFC 8446 §4.1.2: legacy_session_id<0..32>.
  const sessionIdLength = body.vector(1, 'legacy_session_id').remaining
  if (sessionIdLength > 32) throw new WireFormatError(`legacy_session_id of ${sessionIdLength} bytes exceeds 32`)
  // RFC 8446 §4.1.2: cipher_suites<2..2^16-2>, legacy_compression_methods<1..2^8-1>.
  const cipherSuites = body.vector(2, 'cipher_suites', 2).intList(2, 'cipher_suites')
  const compressionMethods = body.vector(1, 'legacy_compression_methods', 1).intList(1, 'legacy_compression_methods')
  // RFC 5246 §7.4.1.2: a TLS 1.2 hello may end here, without an extensions block.
  const extensions: DecodedExtensions = body.isAtEnd ? decodeExtensions(new ByteReader(new Uint8Array(0))) : decodeExtensions(body.vector(2, 'extensions'))
  body.expectEnd('ClientHello')
  return {
    legacyVersion,
    random,
    sessionIdLength,
    cipherSuites,
    compressionMethods,
    ...extensions,
    hasGrease: {
      cipherSuites: cipherSuites.some(isGrease),
      extensions: extensions.extensions.some((e) => isGrease(e.type)),
      supportedGroups: extensions.supportedGroups.some(isGrease),
      supportedVersions: extensions.supportedVersions.some(isGrease),
      signatureAlgorithms: extensions.signatureAlgorithms.some(isGrease),
      keyShareGroups: extensions.keyShareGroups.some(isGrease),
      alpn: extensions.alpn.some(isGreaseAlpn),
    },
  }
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}
