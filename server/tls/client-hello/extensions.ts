import { WireFormatError, type ByteReader } from './byte-reader.js'
import type { ClientHello, ClientHelloExtension } from './types.js'

/** Extension code points the parser decodes (IANA TLS ExtensionType Values). */
export const EXT = {
  serverName: 0x0000,
  supportedGroups: 0x000a,
  ecPointFormats: 0x000b,
  signatureAlgorithms: 0x000d,
  alpn: 0x0010,
  earlyData: 0x002a,
  supportedVersions: 0x002b,
  pskKeyExchangeModes: 0x002d,
  keyShare: 0x0033,
  renegotiationInfo: 0xff01,
} as const

export type DecodedExtensions = Pick<
  ClientHello,
  | 'extensions'
  | 'sni'
  | 'alpn'
  | 'supportedVersions'
  | 'supportedGroups'
  | 'signatureAlgorithms'
  | 'ecPointFormats'
  | 'keyShareGroups'
  | 'pskModes'
  | 'hasRenegotiationInfo'
  | 'hasEarlyData'
>

/** RFC 6066 §3: NameType host_name. */
const HOST_NAME = 0

/**
 * Decodes the extensions block of a ClientHello (RFC 8446 §4.2). Throws
 * WireFormatError on a malformed block; `parseClientHello` turns it into a value.
 */
export function decodeExtensions(block: ByteReader): DecodedExtensions {
  const decoded: DecodedExtensions = {
    extensions: [],
    sni: null,
    alpn: [],
    supportedVersions: [],
    supportedGroups: [],
    signatureAlgorithms: [],
    ecPointFormats: [],
    keyShareGroups: [],
    pskModes: [],
    hasRenegotiationInfo: false,
    hasEarlyData: false,
  }
  const seen = new Set<number>()
  // Bounded: each iteration consumes at least 4 bytes of a finite block.
  while (!block.isAtEnd) {
    const type = block.u16('extension type')
    const data = block.vector(2, `extension 0x${type.toString(16)}`)
    // RFC 8446 §4.2: "There MUST NOT be more than one extension of the same type in a given extension block."
    if (seen.has(type)) throw new WireFormatError(`extension 0x${type.toString(16)} appears twice (RFC 8446 §4.2)`)
    seen.add(type)
    const entry: ClientHelloExtension = { type, length: data.remaining }
    decoded.extensions.push(entry)
    decodeOne(type, data, decoded)
  }
  return decoded
}

function decodeOne(type: number, data: ByteReader, out: DecodedExtensions): void {
  switch (type) {
    case EXT.serverName:
      // RFC 6066 §3: an empty extension_data is allowed in the ServerHello only, but tolerated here.
      if (data.isAtEnd) return
      out.sni = readHostName(data.vector(2, 'server_name list', 1))
      break
    case EXT.alpn:
      out.alpn = readAlpn(data.vector(2, 'ALPN list', 2))
      break
    case EXT.supportedVersions:
      out.supportedVersions = data.vector(1, 'supported_versions', 2).intList(2, 'supported_versions')
      break
    case EXT.supportedGroups:
      out.supportedGroups = data.vector(2, 'supported_groups', 2).intList(2, 'supported_groups')
      break
    case EXT.signatureAlgorithms:
      out.signatureAlgorithms = data.vector(2, 'signature_algorithms', 2).intList(2, 'signature_algorithms')
      break
    case EXT.ecPointFormats:
      out.ecPointFormats = data.vector(1, 'ec_point_formats', 1).intList(1, 'ec_point_formats')
      break
    case EXT.keyShare:
      out.keyShareGroups = readKeyShareGroups(data.vector(2, 'key_share'))
      break
    case EXT.pskKeyExchangeModes:
      out.pskModes = data.vector(1, 'psk_key_exchange_modes', 1).intList(1, 'psk_key_exchange_modes')
      break
    case EXT.renegotiationInfo:
      out.hasRenegotiationInfo = true
      data.vector(1, 'renegotiation_info')
      break
    case EXT.earlyData:
      out.hasEarlyData = true
      break
    default:
      // Unknown or undecoded extensions keep only type and length.
      return
  }
  data.expectEnd(`extension 0x${type.toString(16)}`)
}

function readHostName(list: ByteReader): string | null {
  let hostName: string | null = null
  // Bounded: each entry consumes at least 3 bytes of a finite list.
  while (!list.isAtEnd) {
    const nameType = list.u8('server_name type')
    const name = list.vector(2, 'server_name', 1)
    const bytes = name.take(name.remaining, 'server_name')
    // RFC 6066 §3 allows one name per type; only the first host_name counts, other types are skipped.
    if (nameType !== HOST_NAME || hostName !== null) continue
    // RFC 6066 §3: a host_name is an ASCII DNS name. Rejecting NUL, spaces and 8-bit bytes keeps
    // a crafted SNI out of certificate selection and logs (OpenSSL refuses NUL the same way).
    if (!bytes.every((byte) => byte > 0x20 && byte < 0x7f)) {
      throw new WireFormatError('server_name host_name holds a control, space or non-ASCII byte (RFC 6066 §3)')
    }
    hostName = latin1(bytes)
  }
  return hostName
}

function readAlpn(list: ByteReader): string[] {
  const protocols: string[] = []
  while (!list.isAtEnd) {
    // RFC 7301 §3.1: ProtocolName opaque<1..2^8-1>.
    const name = list.vector(1, 'ALPN protocol name', 1)
    protocols.push(latin1(name.take(name.remaining, 'ALPN protocol name')))
  }
  return protocols
}

function readKeyShareGroups(entries: ByteReader): number[] {
  const groups: number[] = []
  while (!entries.isAtEnd) {
    groups.push(entries.u16('key_share group'))
    // RFC 8446 §4.2.8: key_exchange opaque<1..2^16-1>.
    entries.vector(2, 'key_share key_exchange', 1)
  }
  return groups
}

function latin1(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return text
}
