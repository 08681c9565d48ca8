import {
  encodeAlpn,
  encodeClientKeyShares,
  encodeClientSupportedVersions,
  encodeSupportedGroups,
  parseClientKeyShares,
  parseSupportedGroups,
  handshakeMessage,
  parseClientHelloBody,
  parseClientSupportedVersions,
  serializeClientHelloBody,
} from '../handshake/hello-structure.js'
import type { ClientHelloParts } from '../handshake/hello-structure.js'
import { TruncatedField } from '../handshake/byte-reader.js'
import { HandshakeType } from '../handshake/tls-names.js'

/** What an in-flight editor may change in a ClientHello. Every length is recomputed. */
export type ClientHelloEdit =
  | { kind: 'drop-cipher-suites'; suites: readonly number[] }
  | { kind: 'remove-tls13' }
  | { kind: 'set-alpn'; protocols: readonly string[] }
  /** Removes groups from supported_groups and their entries from key_share (e.g. the PQ hybrid). */
  | { kind: 'drop-groups'; groups: readonly number[] }

/**
 * The strongest AEAD suites (256-bit keys and ChaCha20): dropping them makes
 * the server settle for AES-128, the classic cipher-suite downgrade.
 */
export const STRONGEST_SUITES: readonly number[] = [0x1302, 0x1303, 0xc02c, 0xc030, 0xcca8, 0xcca9, 0xccaa, 0x009f]

/**
 * The post-quantum hybrid groups a downgrading editor strips (draft-ietf-tls-ecdhe-mlkem §3):
 * X25519MLKEM768, SecP256r1MLKEM768, SecP384r1MLKEM1024.
 */
export const HYBRID_GROUP_CODES: readonly number[] = [0x11ec, 0x11eb, 0x11ed]

const EXT_SUPPORTED_GROUPS = 10
const EXT_KEY_SHARE = 51
const EXT_ALPN = 16
const EXT_SUPPORTED_VERSIONS = 43
const TLS13 = 0x0304

export function applyClientHelloEdit(parts: ClientHelloParts, edit: ClientHelloEdit): ClientHelloParts {
  switch (edit.kind) {
    case 'drop-cipher-suites':
      return { ...parts, cipherSuites: parts.cipherSuites.filter((s) => !edit.suites.includes(s)) }
    case 'remove-tls13': {
      // Leave the extension out entirely when nothing but TLS 1.3 was in it (RFC 8446 §4.2.1).
      const extensions = parts.extensions.flatMap((e) => {
        if (e.type !== EXT_SUPPORTED_VERSIONS) return [e]
        const kept = parseClientSupportedVersions(e.data).filter((v) => v !== TLS13)
        return kept.length === 0 ? [] : [{ type: e.type, data: encodeClientSupportedVersions(kept) }]
      })
      return { ...parts, extensions }
    }
    case 'drop-groups': {
      const drop = new Set(edit.groups)
      const extensions = parts.extensions.map((e) => {
        if (e.type === EXT_SUPPORTED_GROUPS) return { type: e.type, data: encodeSupportedGroups(parseSupportedGroups(e.data).filter((g) => !drop.has(g))) }
        if (e.type === EXT_KEY_SHARE) return { type: e.type, data: encodeClientKeyShares(parseClientKeyShares(e.data).filter((s) => !drop.has(s.group))) }
        return e
      })
      return { ...parts, extensions }
    }
    case 'set-alpn': {
      const data = encodeAlpn(edit.protocols)
      const has = parts.extensions.some((e) => e.type === EXT_ALPN)
      const extensions = has
        ? parts.extensions.map((e) => (e.type === EXT_ALPN ? { type: e.type, data } : e))
        : [...parts.extensions, { type: EXT_ALPN, data }]
      return { ...parts, extensions }
    }
  }
}

export type EditedClientHello = { ok: true; message: Buffer } | { ok: false; reason: string }

/** Edits a whole ClientHello handshake message (4-byte header included). Malformed input is a value, not a throw. */
export function editClientHelloMessage(message: Buffer, edits: readonly ClientHelloEdit[]): EditedClientHello {
  if (message.length < 4 || message[0] !== HandshakeType.clientHello) return { ok: false, reason: 'not a ClientHello' }
  const length = message.readUIntBE(1, 3)
  if (message.length < 4 + length) return { ok: false, reason: `truncated: ClientHello declares ${length} bytes, ${message.length - 4} present` }
  try {
    let parts = parseClientHelloBody(message.subarray(4, 4 + length))
    for (const edit of edits) parts = applyClientHelloEdit(parts, edit)
    return { ok: true, message: handshakeMessage(HandshakeType.clientHello, serializeClientHelloBody(parts)) }
  } catch (error) {
    if (error instanceof TruncatedField) return { ok: false, reason: error.message }
    throw error
  }
}

/**
 * OpenSSL 3.0's SSL_OP_NO_EXTENDED_MASTER_SECRET (ssl.h: SSL_OP_BIT(0)), which
 * Node does not name. A server with it set keeps the RFC 5246 master secret,
 * so an edited ClientHello is caught by the Finished check itself
 * (decrypt_error) instead of by the RFC 7627 session-hash-bound keys.
 */
export const SSL_OP_NO_EXTENDED_MASTER_SECRET = 1
