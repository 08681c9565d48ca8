import { createSocket, type RemoteInfo } from 'node:dgram'
import { isIP } from 'node:net'
import dnsPacket, { type Answer, type Question } from 'dns-packet'
import { LabError } from '../errors.js'

/**
 * RFC 1035 §4.1 messages are read and written by dns-packet (the parser behind
 * multicast-dns and bonjour), so the responder only decides: which name, which
 * answer. RCODEs (RFC 1035 §4.1.1) travel in the low four bits of the flags.
 */
const RCODE_FORMERR = 1
const RCODE_NOTIMP = 4
const RCODE_REFUSED = 5
/** A query's opcode (RFC 1035 §4.1.1, bits 11–14 of the flags); 0 is a standard query. */
const OPCODE_SHIFT = 11

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
  const rd = (message[2] ?? 0) & 0x01 ? dnsPacket.RECURSION_DESIRED : 0
  const reply = (rcode: number, name: string, questions: Question[], answers: Answer[] = []) => ({
    // QR (from type) and AA set — the lab is authoritative for its names —, RD echoed, RA clear: no recursion (RFC 1035 §4.1.1).
    bytes: dnsPacket.encode({ type: 'response', id, flags: dnsPacket.AUTHORITATIVE_ANSWER | rd | (opcode << OPCODE_SHIFT) | rcode, questions, answers }),
    name,
    rcode,
  })
  if (opcode !== 0) return reply(RCODE_NOTIMP, '', [])
  const question = decodeQuestion(message)
  if (question === null) return reply(RCODE_FORMERR, '', [])
  const name = question.name.toLowerCase()
  if (!params.isServed(name)) return reply(RCODE_REFUSED, name, [question])
  // A lab name: an A record; other types (AAAA…) get an empty answer (NODATA), so clients fall back to A.
  if (question.type !== 'A' || question.class !== 'IN') return reply(0, name, [question])
  // TTL: a minute, the lab is not permanent.
  return reply(0, name, [question], [{ type: 'A', class: 'IN', name: question.name, ttl: 60, data: params.answer }])
}

/** The one question of a well-formed query, or null (FORMERR): no question, several, or bytes dns-packet cannot read. */
function decodeQuestion(message: Buffer): Question | null {
  try {
    const questions = dnsPacket.decode(message).questions ?? []
    return questions.length === 1 ? (questions[0] ?? null) : null
  } catch {
    return null
  }
}
