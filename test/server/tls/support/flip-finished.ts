import { ConnectionContext } from '../../../../server/tls/handshake/connection-context.js'
import type { Direction } from '../../../../server/tls/handshake/transcript-types.js'
import { parseKeylog } from '../../../../server/tls/keylog/keylog-parse.js'
import { splitRecords } from '../../../../server/tls/records/record-splitter.js'

const CHANGE_CIPHER_SPEC = 20
const HANDSHAKE = 22
const APPLICATION_DATA = 23
const FINISHED = 20

export interface CapturedLeg {
  clientToServer: Buffer
  serverToClient: Buffer
}

/**
 * Test support: rewrites one side's Finished in a real capture as an attacker holding the
 * record keys would — decrypt the record that carries it, flip the last verify_data byte,
 * re-encrypt — so the record still authenticates and only the Finished check can notice
 * (RFC 8446 §4.4.4, RFC 5246 §7.4.9). Throws when it cannot find or open the Finished.
 */
export function withFlippedFinished(leg: CapturedLeg, keylog: string, sender: 'client' | 'server', tls13: boolean): CapturedLeg {
  const context = new ConnectionContext(parseKeylog(keylog))
  const clientHello = splitRecords(leg.clientToServer).records[0]
  const serverHello = splitRecords(leg.serverToClient).records[0]
  if (clientHello === undefined || serverHello === undefined) throw new Error('the capture has no hellos')
  // Handshake header (4) + legacy_version (2), then random (32); ServerHello: session id, then the suite.
  context.clientRandom = clientHello.payload.subarray(6, 38)
  context.serverRandom = serverHello.payload.subarray(6, 38)
  const sessionIdLength = serverHello.payload[38] ?? 0
  context.cipherSuite = serverHello.payload.readUInt16BE(39 + sessionIdLength)
  context.version = tls13 ? 0x0304 : 0x0303
  const direction: Direction = sender === 'client' ? 'clientToServer' : 'serverToClient'
  const opener = context.protection(direction, 'handshake')
  const sealer = context.protection(direction, 'handshake')
  if ('code' in opener || 'code' in sealer) throw new Error(`no keys for ${direction}: ${'code' in opener ? opener.message : ''}`)
  const { records } = splitRecords(leg[direction])
  let afterChangeCipherSpec = false
  for (const [index, record] of records.entries()) {
    if (record.type === CHANGE_CIPHER_SPEC) afterChangeCipherSpec = true
    const isProtectedHandshake = tls13 ? record.type === APPLICATION_DATA : afterChangeCipherSpec && record.type === HANDSHAKE
    if (!isProtectedHandshake) continue
    const opened = opener.open(record.type, record.version, record.payload)
    if (opened === undefined) throw new Error(`record ${index} of ${direction} does not open with the key log`)
    const finished = opened.type === HANDSHAKE ? finishedOffset(opened.content) : undefined
    if (finished === undefined) {
      // Keep the sealing side's sequence number in step with the opening side.
      sealer.open(record.type, record.version, record.payload)
      continue
    }
    const content = Buffer.from(opened.content)
    content[finished.lastByte] = (content[finished.lastByte] ?? 0) ^ 0x01
    const resealed = sealer.seal(opened.type, record.version, content)
    const rewritten = Buffer.concat(records.map((r, i) => (i === index ? resealed : r.raw)))
    return { ...leg, [direction]: rewritten }
  }
  throw new Error(`no Finished found in ${direction}`)
}

/** Where the Finished message's last verify_data byte is, in a record's handshake messages. */
function finishedOffset(content: Buffer): { lastByte: number } | undefined {
  for (let at = 0; at + 4 <= content.length; ) {
    const length = content.readUIntBE(at + 1, 3)
    if (content[at] === FINISHED) return { lastByte: at + 4 + length - 1 }
    at += 4 + length
  }
  return undefined
}
