import { ByteReader, uint16List } from './byte-reader.js'

/**
 * ClientHello / ServerHello bodies split into their fields, so the decoder can
 * read them and a tampering relay can edit and re-serialise them
 * (RFC 8446 §4.1.2–4.1.3, RFC 5246 §7.4.1.2–7.4.1.3). Parsing throws
 * TruncatedField; callers in this module catch it.
 */
export interface HelloExtension {
  type: number
  data: Buffer
}

export interface ClientHelloParts {
  legacyVersion: number
  random: Buffer
  sessionId: Buffer
  cipherSuites: number[]
  compressionMethods: Buffer
  extensions: HelloExtension[]
}

export interface ServerHelloParts {
  legacyVersion: number
  random: Buffer
  sessionId: Buffer
  cipherSuite: number
  compressionMethod: number
  extensions: HelloExtension[]
}

function readExtensions(reader: ByteReader): HelloExtension[] {
  if (reader.remaining === 0) return [] // extensions are optional before TLS 1.3 (RFC 5246 §7.4.1.2)
  const block = new ByteReader(reader.vector(2, 'extensions'))
  const extensions: HelloExtension[] = []
  while (block.remaining > 0) {
    const type = block.u16('extension type')
    extensions.push({ type, data: block.vector(2, 'extension data') })
  }
  return extensions
}

export function parseClientHelloBody(body: Buffer): ClientHelloParts {
  const reader = new ByteReader(body)
  return {
    legacyVersion: reader.u16('legacy_version'),
    random: reader.take(32, 'random'),
    sessionId: reader.vector(1, 'legacy_session_id'),
    cipherSuites: uint16List(reader.vector(2, 'cipher_suites')),
    compressionMethods: reader.vector(1, 'compression_methods'),
    extensions: readExtensions(reader),
  }
}

export function parseServerHelloBody(body: Buffer): ServerHelloParts {
  const reader = new ByteReader(body)
  return {
    legacyVersion: reader.u16('legacy_version'),
    random: reader.take(32, 'random'),
    sessionId: reader.vector(1, 'legacy_session_id_echo'),
    cipherSuite: reader.u16('cipher_suite'),
    compressionMethod: reader.u8('compression_method'),
    extensions: readExtensions(reader),
  }
}

function u16(value: number): Buffer {
  return Buffer.from([value >> 8, value & 0xff])
}

function serializeExtensions(extensions: readonly HelloExtension[]): Buffer {
  const parts = extensions.flatMap((e) => [u16(e.type), u16(e.data.length), e.data])
  const block = Buffer.concat(parts)
  return Buffer.concat([u16(block.length), block])
}

/** Re-serialises a ClientHello body with every length recomputed. */
export function serializeClientHelloBody(parts: ClientHelloParts): Buffer {
  const suites = Buffer.concat(parts.cipherSuites.map(u16))
  return Buffer.concat([
    u16(parts.legacyVersion),
    parts.random,
    Buffer.from([parts.sessionId.length]),
    parts.sessionId,
    u16(suites.length),
    suites,
    Buffer.from([parts.compressionMethods.length]),
    parts.compressionMethods,
    serializeExtensions(parts.extensions),
  ])
}

export function serializeServerHelloBody(parts: ServerHelloParts): Buffer {
  return Buffer.concat([
    u16(parts.legacyVersion),
    parts.random,
    Buffer.from([parts.sessionId.length]),
    parts.sessionId,
    u16(parts.cipherSuite),
    Buffer.from([parts.compressionMethod]),
    serializeExtensions(parts.extensions),
  ])
}

/** Wraps a body in the 4-byte handshake header: msg_type + uint24 length (RFC 8446 §4). */
export function handshakeMessage(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]), body])
}

export function findExtension(extensions: readonly HelloExtension[], type: number): Buffer | undefined {
  return extensions.find((e) => e.type === type)?.data
}

/** ALPN protocol_name_list (RFC 7301 §3.1). */
export function parseAlpn(data: Buffer): string[] {
  const list = new ByteReader(new ByteReader(data).vector(2, 'alpn list'))
  const names: string[] = []
  while (list.remaining > 0) names.push(list.vector(1, 'protocol name').toString('latin1'))
  return names
}

export function encodeAlpn(protocols: readonly string[]): Buffer {
  const names = Buffer.concat(protocols.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'latin1')])))
  return Buffer.concat([u16(names.length), names])
}

/** The host_name of a server_name extension (RFC 6066 §3). */
export function parseServerName(data: Buffer): string | undefined {
  const list = new ByteReader(new ByteReader(data).vector(2, 'server_name_list'))
  while (list.remaining > 0) {
    const nameType = list.u8('name_type')
    const name = list.vector(2, 'host_name')
    if (nameType === 0) return name.toString('latin1')
  }
  return undefined
}

/** ClientHello supported_versions: a 1-byte-length list (RFC 8446 §4.2.1). */
export function parseClientSupportedVersions(data: Buffer): number[] {
  return uint16List(new ByteReader(data).vector(1, 'supported_versions'))
}

export function encodeClientSupportedVersions(versions: readonly number[]): Buffer {
  return Buffer.concat([Buffer.from([versions.length * 2]), ...versions.map(u16)])
}

/** ClientHello key_share: the groups of the offered shares (RFC 8446 §4.2.8). */
export function parseClientKeyShareGroups(data: Buffer): number[] {
  const shares = new ByteReader(new ByteReader(data).vector(2, 'client_shares'))
  const groups: number[] = []
  while (shares.remaining > 0) {
    groups.push(shares.u16('group'))
    shares.vector(2, 'key_exchange')
  }
  return groups
}

/** One ClientHello key_share entry (RFC 8446 §4.2.8: KeyShareEntry). */
export interface KeyShareEntry {
  group: number
  keyExchange: Buffer
}

/** ClientHello key_share: every offered share with its key material. */
export function parseClientKeyShares(data: Buffer): KeyShareEntry[] {
  const shares = new ByteReader(new ByteReader(data).vector(2, 'client_shares'))
  const entries: KeyShareEntry[] = []
  while (shares.remaining > 0) entries.push({ group: shares.u16('group'), keyExchange: shares.vector(2, 'key_exchange') })
  return entries
}

export function encodeClientKeyShares(entries: readonly KeyShareEntry[]): Buffer {
  const body = Buffer.concat(entries.map((e) => Buffer.concat([u16(e.group), u16(e.keyExchange.length), e.keyExchange])))
  return Buffer.concat([u16(body.length), body])
}

/** supported_groups: a 2-byte-length list of NamedGroup (RFC 8446 §4.2.7). */
export function parseSupportedGroups(data: Buffer): number[] {
  return uint16List(new ByteReader(data).vector(2, 'named_group_list'))
}

export function encodeSupportedGroups(groups: readonly number[]): Buffer {
  return Buffer.concat([u16(groups.length * 2), ...groups.map(u16)])
}
