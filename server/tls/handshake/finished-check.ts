import { createHash, timingSafeEqual } from 'node:crypto'
import type { HashName } from './cipher-suites.js'
import type { ConnectionContext } from './connection-context.js'
import type { DecodedMessage } from './direction-decoder.js'
import { tls12FinishedVerifyData, tls13FinishedVerifyData } from './key-schedule.js'
import { HandshakeType } from './tls-names.js'
import type { FinishedCheck } from './transcript-types.js'

/**
 * Recomputes both Finished verify_data values over the transcript as this
 * capture saw it (RFC 8446 §4.4.4, RFC 5246 §7.4.9). A mismatch means the
 * peer's transcript differs from this one: the handshake was edited.
 */
export function checkFinished(ordered: readonly DecodedMessage[], context: ConnectionContext): { client: FinishedCheck; server: FinishedCheck } {
  const suite = context.suite
  const result: { client: FinishedCheck; server: FinishedCheck } = { client: 'not-checked', server: 'not-checked' }
  if (!suite) return result
  const transcript = transcriptMessages(ordered, suite.hash, context.tls13)
  for (let i = 0; i < transcript.length; i++) {
    const entry = transcript[i]
    if (!entry || entry.message.type !== HandshakeType.finished) continue
    const sender = entry.message.direction === 'clientToServer' ? 'client' : 'server'
    if (result[sender] !== 'not-checked') continue
    const before = Buffer.concat(transcript.slice(0, i).map((m) => m.raw))
    const expected = expectedVerifyData(context, suite.hash, sender, before)
    if (!expected) continue
    const actual = entry.raw.subarray(4)
    result[sender] = actual.length === expected.length && timingSafeEqual(actual, expected) ? 'verified' : 'mismatch'
  }
  return result
}

function expectedVerifyData(context: ConnectionContext, hash: HashName, sender: 'client' | 'server', before: Buffer): Buffer | undefined {
  if (context.tls13) {
    const baseKey = context.tls13Secret(sender === 'client' ? 'clientToServer' : 'serverToClient', 'handshake')
    return baseKey ? tls13FinishedVerifyData(hash, baseKey, createHash(hash).update(before).digest()) : undefined
  }
  const master = context.masterSecret()
  return master ? tls12FinishedVerifyData(hash, master, sender, before) : undefined
}

/**
 * Handshake messages only: no CCS, and in TLS 1.3 no post-handshake messages
 * (TLS 1.2's NewSessionTicket precedes the server Finished and is hashed,
 * RFC 5077 §3.3). After a HelloRetryRequest the first ClientHello is
 * replaced by message_hash (RFC 8446 §4.4.1).
 */
function transcriptMessages(ordered: readonly DecodedMessage[], hash: HashName, tls13: boolean): DecodedMessage[] {
  const postHandshake = (type: number): boolean => tls13 && (type === HandshakeType.newSessionTicket || type === HandshakeType.keyUpdate)
  const handshake = ordered.filter((m) => m.message.type !== undefined && !postHandshake(m.message.type))
  const retry = handshake.findIndex((m) => m.message.fields['helloRetryRequest'] === true)
  const first = handshake[0]
  if (retry < 0 || !first) return handshake
  const digest = createHash(hash).update(first.raw).digest()
  const messageHash = Buffer.concat([Buffer.from([HandshakeType.messageHash, 0, 0, digest.length]), digest])
  return [{ message: first.message, raw: messageHash }, ...handshake.slice(1)]
}
