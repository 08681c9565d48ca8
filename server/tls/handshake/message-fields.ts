import { ByteReader, uint16List } from './byte-reader.js'
import { cipherSuiteName } from './cipher-suites.js'
import { checkDowngradeSentinel } from './downgrade-sentinel.js'
import {
  findExtension,
  parseAlpn,
  parseClientHelloBody,
  parseClientKeyShareGroups,
  parseClientSupportedVersions,
  parseServerHelloBody,
  parseServerName,
} from './hello-structure.js'
import { HandshakeType, extensionName, groupName, signatureSchemeName, versionName } from './tls-names.js'

/** Key fields of one handshake message, flat so the dashboard can show them as a table. */
export type HandshakeFields = Record<string, string | number | boolean | readonly string[]>

/** SHA-256("HelloRetryRequest") as ServerHello.random marks a HelloRetryRequest (RFC 8446 §4.1.3). */
const HELLO_RETRY_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex')

const EXT_SNI = 0
const EXT_GROUPS = 10
const EXT_SIG_ALGS = 13
const EXT_ALPN = 16
const EXT_VERSIONS = 43
const EXT_KEY_SHARE = 51

export function clientHelloFields(body: Buffer): HandshakeFields {
  const hello = parseClientHelloBody(body)
  const fields: HandshakeFields = {
    legacyVersion: versionName(hello.legacyVersion),
    random: hello.random.toString('hex'),
    cipherSuites: hello.cipherSuites.map(cipherSuiteName),
    extensions: hello.extensions.map((e) => extensionName(e.type)),
  }
  const sni = findExtension(hello.extensions, EXT_SNI)
  if (sni) fields['sni'] = parseServerName(sni) ?? ''
  const alpn = findExtension(hello.extensions, EXT_ALPN)
  if (alpn) fields['alpn'] = parseAlpn(alpn)
  const versions = findExtension(hello.extensions, EXT_VERSIONS)
  if (versions) fields['supportedVersions'] = parseClientSupportedVersions(versions).map(versionName)
  const shares = findExtension(hello.extensions, EXT_KEY_SHARE)
  if (shares) fields['keyShareGroups'] = parseClientKeyShareGroups(shares).map(groupName)
  const groups = findExtension(hello.extensions, EXT_GROUPS)
  if (groups) fields['supportedGroups'] = uint16List(new ByteReader(groups).vector(2, 'named_group_list')).map(groupName)
  const sigAlgs = findExtension(hello.extensions, EXT_SIG_ALGS)
  if (sigAlgs) {
    fields['signatureAlgorithms'] = uint16List(new ByteReader(sigAlgs).vector(2, 'supported_signature_algorithms')).map(
      signatureSchemeName,
    )
  }
  return fields
}

/** Highest version a ClientHello offers: supported_versions if present, else legacy_version. */
export function clientMaxVersion(body: Buffer): number {
  const hello = parseClientHelloBody(body)
  const versions = findExtension(hello.extensions, EXT_VERSIONS)
  // Ignore GREASE values (RFC 8701: 0x?A?A) when taking the maximum.
  const offered = versions ? parseClientSupportedVersions(versions).filter((v) => (v & 0x0f0f) !== 0x0a0a) : []
  return offered.length > 0 ? Math.max(...offered) : hello.legacyVersion
}

export interface ServerHelloSummary {
  fields: HandshakeFields
  version: number
  cipherSuite: number
  random: Buffer
  helloRetryRequest: boolean
}

export function serverHelloSummary(body: Buffer, clientMax: number): ServerHelloSummary {
  const hello = parseServerHelloBody(body)
  const versionExt = findExtension(hello.extensions, EXT_VERSIONS)
  // ServerHello.supported_versions carries the one selected version (RFC 8446 §4.2.1).
  const version = versionExt ? new ByteReader(versionExt).u16('selected_version') : hello.legacyVersion
  const helloRetryRequest = hello.random.equals(HELLO_RETRY_RANDOM)
  const fields: HandshakeFields = {
    legacyVersion: versionName(hello.legacyVersion),
    selectedVersion: versionName(version),
    random: hello.random.toString('hex'),
    cipherSuite: cipherSuiteName(hello.cipherSuite),
    extensions: hello.extensions.map((e) => extensionName(e.type)),
  }
  if (helloRetryRequest) fields['helloRetryRequest'] = true
  const share = findExtension(hello.extensions, EXT_KEY_SHARE)
  if (share) fields['keyShareGroup'] = groupName(new ByteReader(share).u16('group'))
  const alpn = findExtension(hello.extensions, EXT_ALPN)
  if (alpn) fields['alpn'] = parseAlpn(alpn)[0] ?? ''
  const sentinel = checkDowngradeSentinel(hello.random, version, clientMax)
  if (sentinel.sentinel !== 'none') fields['downgradeSentinel'] = sentinel.sentinel
  if (sentinel.downgradeDetected) fields['downgradeDetected'] = true
  return { fields, version, cipherSuite: hello.cipherSuite, random: hello.random, helloRetryRequest }
}

function encryptedExtensionsFields(body: Buffer): HandshakeFields {
  const block = new ByteReader(new ByteReader(body).vector(2, 'extensions'))
  const names: string[] = []
  const fields: HandshakeFields = {}
  while (block.remaining > 0) {
    const type = block.u16('extension type')
    const data = block.vector(2, 'extension data')
    names.push(extensionName(type))
    if (type === EXT_ALPN) fields['alpn'] = parseAlpn(data)[0] ?? ''
  }
  fields['extensions'] = names
  return fields
}

/** Certificate: TLS 1.3 adds a request context and per-entry extensions (RFC 8446 §4.4.2, RFC 5246 §7.4.2). */
function certificateFields(body: Buffer, tls13: boolean): HandshakeFields {
  const reader = new ByteReader(body)
  if (tls13) reader.vector(1, 'certificate_request_context')
  const list = new ByteReader(reader.vector(3, 'certificate_list'))
  const sizes: string[] = []
  // The DER as sent, in the order sent: what the instrumented client verifies (Node only exposes a rebuilt chain).
  const certificates: string[] = []
  while (list.remaining > 0) {
    const der = list.vector(3, 'cert_data')
    sizes.push(String(der.length))
    certificates.push(der.toString('base64'))
    if (tls13) list.vector(2, 'entry extensions')
  }
  return { certificateCount: sizes.length, certificateSizes: sizes, certificates }
}

function certificateVerifyFields(body: Buffer): HandshakeFields {
  const reader = new ByteReader(body)
  const scheme = reader.u16('algorithm')
  return { signatureScheme: signatureSchemeName(scheme), signatureLength: reader.vector(2, 'signature').length }
}

/** ECDHE ServerKeyExchange: ServerECDHParams + signed digitally-signed struct (RFC 8422 §5.4, RFC 5246 §7.4.3). */
function serverKeyExchangeFields(body: Buffer): HandshakeFields {
  const reader = new ByteReader(body)
  const curveType = reader.u8('curve_type')
  if (curveType !== 3) return { curveType }
  const group = reader.u16('namedcurve')
  const publicKey = reader.vector(1, 'public')
  const scheme = reader.u16('signature algorithm')
  const signature = reader.vector(2, 'signature')
  return {
    curve: groupName(group),
    publicKeyLength: publicKey.length,
    signatureScheme: signatureSchemeName(scheme),
    signatureLength: signature.length,
  }
}

/** Both versions start NewSessionTicket with a uint32 lifetime (RFC 8446 §4.6.1, RFC 5077 §3.3). */
function newSessionTicketFields(body: Buffer): HandshakeFields {
  return { lifetimeSeconds: new ByteReader(body).u32('ticket_lifetime') }
}

export function messageFields(type: number, body: Buffer, tls13: boolean): HandshakeFields {
  switch (type) {
    case HandshakeType.clientHello:
      return clientHelloFields(body)
    case HandshakeType.encryptedExtensions:
      return encryptedExtensionsFields(body)
    case HandshakeType.certificate:
      return certificateFields(body, tls13)
    case HandshakeType.certificateVerify:
      return certificateVerifyFields(body)
    case HandshakeType.serverKeyExchange:
      return serverKeyExchangeFields(body)
    case HandshakeType.clientKeyExchange:
      return { publicKeyLength: new ByteReader(body).vector(1, 'ecdh_Yc').length }
    case HandshakeType.newSessionTicket:
      return newSessionTicketFields(body)
    case HandshakeType.finished:
      return { verifyDataLength: body.length }
    default:
      return {}
  }
}
