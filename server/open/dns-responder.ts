import { createSocket, type RemoteInfo } from 'node:dgram'
import { isIP } from 'node:net'
import { LabError } from '../errors.js'

/**
 * RFC 1035 §4.1 message fields the responder reads and writes. Hand-written
 * because no DNS packet library is installed (dns-packet 5.6.1 on the npm
 * registry would replace parseQuestion/encodeAnswer): a query is read only
 * as far as its one question, anything else is answered FORMERR or dropped.
 */
const TYPE_A = 1
const CLASS_IN = 1
const RCODE_FORMERR = 1
const RCODE_REFUSED = 5
const RCODE_NOTIMP = 4

interface Question {
  id: number
  /** Recursion desired, echoed back (RFC 1035 §4.1.1). */
  rd: boolean
  name: string
  type: number
  klass: number
  /** The question section's bytes, echoed in the answer. */
  section: Buffer
}

export interface DnsResponder {
  port: number
  close(): Promise<void>
}

export interface StartDnsResponderParams {
  host: string
  port: number
  /** The IPv4 address every lab name resolves to (where the entry port listens). */
  answer: string
  isServed: (name: string) => boolean
  /** Each answered query, for the log. */
  onQuery?: (query: { from: string; name: string; rcode: number }) => void
}

/**
 * The open lab's optional resolver for devices pointed at it: an A record
 * with the lab's address for bank.lab and served scenario names, REFUSED for
 * every other name (no recursion: RA stays 0, RFC 1035 §4.1.1), NOTIMP for
 * anything but a standard query. A device using it reaches only the lab
 * under lab names and nothing else through it.
 */
export async function startDnsResponder(params: StartDnsResponderParams): Promise<DnsResponder> {
  if (isIP(params.answer) !== 4) throw new LabError('CONFIG_INVALID', `The DNS responder answers with an IPv4 address, not ${params.answer}`)
  const socket = createSocket(isIP(params.host) === 6 ? 'udp6' : 'udp4')
  socket.on('message', (message: Buffer, from: RemoteInfo) => {
    const reply = answerQuery(message, params)
    if (reply === null) return
    params.onQuery?.({ from: from.address, name: reply.name, rcode: reply.rcode })
    socket.send(reply.bytes, from.port, from.address)
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (cause) => reject(new LabError('SERVER_START_FAILED', `DNS responder on ${params.host}:${params.port}: ${cause.message}`, { cause })))
    socket.bind(params.port, params.host, () => resolve())
  })
  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  }
}

/** The reply to one datagram; null for what deserves none (a response, or fewer bytes than a header). */
export function answerQuery(message: Buffer, params: Pick<StartDnsResponderParams, 'answer' | 'isServed'>): { bytes: Buffer; name: string; rcode: number } | null {
  if (message.length < 12 || (message[2] ?? 0) & 0x80) return null
  const id = message.readUInt16BE(0)
  const opcode = ((message[2] ?? 0) >> 3) & 0x0f
  const question = parseQuestion(message)
  if (opcode !== 0) return { bytes: header(id, (message[2] ?? 0) & 0x01, RCODE_NOTIMP, 0, 0), name: '', rcode: RCODE_NOTIMP }
  if (question === null) return { bytes: header(id, (message[2] ?? 0) & 0x01, RCODE_FORMERR, 0, 0), name: '', rcode: RCODE_FORMERR }
  const flags = question.rd ? 1 : 0
  if (!params.isServed(question.name)) {
    return { bytes: Buffer.concat([header(id, flags, RCODE_REFUSED, 1, 0), question.section]), name: question.name, rcode: RCODE_REFUSED }
  }
  // A lab name: an A record; other types (AAAA…) get an empty answer (NODATA), so clients fall back to A.
  if (question.type !== TYPE_A || question.klass !== CLASS_IN) {
    return { bytes: Buffer.concat([header(id, flags, 0, 1, 0), question.section]), name: question.name, rcode: 0 }
  }
  const record = Buffer.alloc(16)
  record.writeUInt16BE(0xc00c, 0) // a pointer to the question's name (offset 12)
  record.writeUInt16BE(TYPE_A, 2)
  record.writeUInt16BE(CLASS_IN, 4)
  record.writeUInt32BE(60, 6) // TTL: a minute, the lab is not permanent
  record.writeUInt16BE(4, 10)
  params.answer.split('.').forEach((octet, index) => record.writeUInt8(Number(octet), 12 + index))
  return { bytes: Buffer.concat([header(id, flags, 0, 1, 1), question.section, record]), name: question.name, rcode: 0 }
}

/** Header with QR and AA set (the lab is authoritative for its names), RA clear. */
function header(id: number, rd: number, rcode: number, qdcount: number, ancount: number): Buffer {
  const bytes = Buffer.alloc(12)
  bytes.writeUInt16BE(id, 0)
  bytes.writeUInt8(0x80 | 0x04 | rd, 2)
  bytes.writeUInt8(rcode & 0x0f, 3)
  bytes.writeUInt16BE(qdcount, 4)
  bytes.writeUInt16BE(ancount, 6)
  return bytes
}

/** The one question of a query (QDCOUNT 1, uncompressed name), or null. */
function parseQuestion(message: Buffer): Question | null {
  if (message.readUInt16BE(4) !== 1) return null
  const labels: string[] = []
  let offset = 12
  for (;;) {
    const length = message[offset]
    if (length === undefined || length > 63) return null // pointers (0xc0) never start a query's name
    offset += 1
    if (length === 0) break
    if (offset + length > message.length) return null
    labels.push(message.toString('latin1', offset, offset + length))
    offset += length
  }
  if (offset + 4 > message.length) return null
  return {
    id: message.readUInt16BE(0),
    rd: ((message[2] ?? 0) & 0x01) === 1,
    name: labels.join('.').toLowerCase(),
    type: message.readUInt16BE(offset),
    klass: message.readUInt16BE(offset + 2),
    section: message.subarray(12, offset + 4),
  }
}
