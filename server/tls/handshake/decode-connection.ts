import { parseKeylog } from '../keylog/keylog-parse.js'
import type { Keylog } from '../keylog/keylog-parse.js'
import { splitRecords } from '../records/record-splitter.js'
import { ConnectionContext } from './connection-context.js'
import { DirectionDecoder } from './direction-decoder.js'
import type { DecoderSink } from './direction-decoder.js'
import { checkFinished } from './finished-check.js'
import { protocolOrder } from './protocol-order.js'
import { HandshakeType } from './tls-names.js'
import type { Direction, HandshakeMessage, HandshakeTranscript } from './transcript-types.js'
import { cipherSuiteName } from './cipher-suites.js'
import { versionName } from './tls-names.js'

export interface CapturedConnection {
  /** Bytes the client sent, as one stream. */
  clientToServer: Uint8Array
  /** Bytes the client received, as one stream. */
  serverToClient: Uint8Array
  /** NSS key log text (or a parsed one) holding this connection's secrets. */
  keylog: string | Keylog
}

/** 4 MiB per direction is far more than a handshake plus a test exchange. */
const MAX_STREAM_BYTES = 4 * 1024 * 1024
/** Empty records cost a header each; cap their number too. */
const MAX_RECORDS = 50_000

/**
 * Lists the handshake messages of one captured connection, both directions,
 * decrypting TLS 1.3's protected handshake and TLS 1.2's Finished with the
 * key log. Never throws on malformed input: problems are `errors` entries.
 */
export function decodeConnection(capture: CapturedConnection): HandshakeTranscript {
  const keylog = typeof capture.keylog === 'string' ? parseKeylog(capture.keylog) : capture.keylog
  const sink: DecoderSink = { errors: [], alerts: [] }
  const context = new ConnectionContext(keylog)
  const client = new DirectionDecoder('clientToServer', framed('clientToServer', capture.clientToServer, sink), context, sink)
  const server = new DirectionDecoder('serverToClient', framed('serverToClient', capture.serverToClient, sink), context, sink)
  // The client's plaintext first (ClientHello keys the key log), then the whole
  // server side (its ServerHello fixes version and suite), then the client's rest.
  client.run('plaintext')
  server.run('all')
  client.run('all')
  if (!context.clientRandom) sink.errors.push({ code: 'NO_CLIENT_HELLO', message: 'no ClientHello was decoded' })
  else if (context.version === undefined) sink.errors.push({ code: 'NO_SERVER_HELLO', message: 'no ServerHello was decoded' })
  const ordered = protocolOrder(client.decoded, server.decoded, context.tls13)
  const messages = ordered.map((m) => m.message)
  return {
    ...summaryFields(messages, context),
    messages,
    clientToServer: client.decoded.map((m) => m.message),
    serverToClient: server.decoded.map((m) => m.message),
    alerts: sink.alerts,
    finished: checkFinished(ordered, context),
    totals: { clientToServer: client.totals, serverToClient: server.totals },
    errors: sink.errors,
  }
}

function framed(direction: Direction, bytes: Uint8Array, sink: DecoderSink): ReturnType<typeof splitRecords>['records'] {
  const bounded = bytes.length > MAX_STREAM_BYTES ? bytes.subarray(0, MAX_STREAM_BYTES) : bytes
  if (bounded !== bytes) sink.errors.push({ direction, code: 'LIMIT_REACHED', message: `only the first ${MAX_STREAM_BYTES} bytes were decoded` })
  const { records, error } = splitRecords(bounded)
  if (error) {
    sink.errors.push({ direction, code: error.code === 'TRUNCATED_RECORD' ? 'TRUNCATED_RECORD' : 'RECORD_FRAMING', message: error.message })
  }
  if (records.length <= MAX_RECORDS) return records
  sink.errors.push({ direction, code: 'LIMIT_REACHED', message: `only the first ${MAX_RECORDS} records were decoded` })
  return records.slice(0, MAX_RECORDS)
}

type Summary = Pick<
  HandshakeTranscript,
  'version' | 'cipherSuite' | 'keyShareGroup' | 'sni' | 'alpnOffered' | 'alpn' | 'signatureScheme' | 'certificateCount' | 'downgradeSentinel'
>

function summaryFields(messages: readonly HandshakeMessage[], context: ConnectionContext): Summary {
  const summary: Summary = {}
  const find = (direction: Direction, type: number): HandshakeMessage | undefined =>
    messages.find((m) => m.direction === direction && m.type === type && m.fields['helloRetryRequest'] !== true)
  if (context.version !== undefined) summary.version = versionName(context.version)
  if (context.cipherSuite !== undefined) summary.cipherSuite = cipherSuiteName(context.cipherSuite)
  const hello = find('clientToServer', HandshakeType.clientHello)?.fields
  const sni = hello?.['sni']
  if (typeof sni === 'string') summary.sni = sni
  const offered = hello?.['alpn']
  if (Array.isArray(offered)) summary.alpnOffered = offered
  const serverHello = find('serverToClient', HandshakeType.serverHello)?.fields
  const share = serverHello?.['keyShareGroup']
  const ske = find('serverToClient', HandshakeType.serverKeyExchange)?.fields
  const group = share ?? ske?.['curve']
  if (typeof group === 'string') summary.keyShareGroup = group
  const alpn = serverHello?.['alpn'] ?? find('serverToClient', HandshakeType.encryptedExtensions)?.fields['alpn']
  if (typeof alpn === 'string') summary.alpn = alpn
  const scheme = (find('serverToClient', HandshakeType.certificateVerify)?.fields ?? ske)?.['signatureScheme']
  if (typeof scheme === 'string') summary.signatureScheme = scheme
  const count = find('serverToClient', HandshakeType.certificate)?.fields['certificateCount']
  if (typeof count === 'number') summary.certificateCount = count
  const sentinel = serverHello?.['downgradeSentinel']
  if (sentinel === 'TLS12' || sentinel === 'TLS11_OR_BELOW') summary.downgradeSentinel = sentinel
  return summary
}
