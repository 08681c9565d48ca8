import { ByteReader, uint16List } from '../handshake/byte-reader.js'
import { findExtension, parseClientHelloBody, serializeServerHelloBody } from '../handshake/hello-structure.js'
import type { HelloExtension } from '../handshake/hello-structure.js'
import type { EngineGroup } from './ecdhe-key-share.js'
import { GROUP_IDS } from './ecdhe-key-share.js'
import type { EngineFailure } from './engine-types.js'
import type { EngineSignatureScheme } from './server-key-exchange.js'
import { SCHEME_IDS } from './server-key-exchange.js'

const SUITE = 0xc02f // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (RFC 5289)
const EXT_GROUPS = 10
const EXT_POINT_FORMATS = 11
const EXT_SIG_ALGS = 13
const EXT_RENEGOTIATION_INFO = 0xff01
const SCSV_RENEGOTIATION = 0x00ff

export interface Negotiated {
  clientRandom: Buffer
  group: EngineGroup
  scheme: EngineSignatureScheme
  serverHelloBody(serverRandom: Buffer): Buffer
}

/** Picks suite, group and signature scheme from a ClientHello body, or says why it cannot. */
export function negotiate(body: Buffer, groups: readonly EngineGroup[]): Negotiated | { failure: EngineFailure } {
  const hello = parseClientHelloBody(body)
  if (!hello.cipherSuites.includes(SUITE)) return { failure: 'NO_COMMON_CIPHER_SUITE' }
  const groupsExt = findExtension(hello.extensions, EXT_GROUPS)
  // Without supported_groups the client accepts any curve (RFC 8422 §4).
  const offeredGroups = groupsExt ? uint16List(new ByteReader(groupsExt).vector(2, 'named_group_list')) : groups.map((g) => GROUP_IDS[g])
  const group = groups.find((g) => offeredGroups.includes(GROUP_IDS[g]))
  if (!group) return { failure: 'NO_COMMON_GROUP' }
  const sigExt = findExtension(hello.extensions, EXT_SIG_ALGS)
  // Absent signature_algorithms means {sha1, rsa} (RFC 5246 §7.4.1.4.1), which the engine does not sign with.
  const offeredSchemes = sigExt ? uint16List(new ByteReader(sigExt).vector(2, 'supported_signature_algorithms')) : []
  const scheme = (['rsa_pss_rsae_sha256', 'rsa_pkcs1_sha256'] as const).find((s) => offeredSchemes.includes(SCHEME_IDS[s]))
  if (!scheme) return { failure: 'NO_COMMON_SIGNATURE_SCHEME' }
  const extensions: HelloExtension[] = []
  // Secure renegotiation indication, empty on an initial handshake (RFC 5746 §3.6); OpenSSL clients require it.
  if (findExtension(hello.extensions, EXT_RENEGOTIATION_INFO) || hello.cipherSuites.includes(SCSV_RENEGOTIATION)) {
    extensions.push({ type: EXT_RENEGOTIATION_INFO, data: Buffer.from([0]) })
  }
  if (findExtension(hello.extensions, EXT_POINT_FORMATS)) extensions.push({ type: EXT_POINT_FORMATS, data: Buffer.from([1, 0]) })
  return {
    clientRandom: Buffer.from(hello.random),
    group,
    scheme,
    serverHelloBody: (serverRandom) =>
      serializeServerHelloBody({ legacyVersion: 0x0303, random: serverRandom, sessionId: Buffer.alloc(0), cipherSuite: SUITE, compressionMethod: 0, extensions }),
  }
}
