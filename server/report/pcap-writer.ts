/**
 * Writes a classic libpcap file (https://wiki.wireshark.org/Development/LibpcapFileFormat)
 * holding one TCP connection rebuilt from the bytes the client captured: a
 * three-way handshake, the payload segments in the order they crossed the
 * socket, and a FIN exchange. Port 443 on the server side, so Wireshark
 * dissects TLS without "Decode As"; with the run's key log it decrypts it.
 */
export interface PcapStream {
  segments: { from: 'client' | 'server'; data: Buffer }[]
  /** Default: 127.0.0.1:50000 → 127.0.0.1:443. */
  clientPort?: number
  serverPort?: number
  /** Timestamp of the SYN. Default: now. */
  start?: Date
}

const LINKTYPE_RAW = 101 // raw IPv4/IPv6, no link-layer header
const MAX_SEGMENT = 1400
const FLAG = { FIN: 0x01, SYN: 0x02, PSH: 0x08, ACK: 0x10 } as const

export function writePcap(stream: PcapStream): Buffer {
  const clientPort = stream.clientPort ?? 50_000
  const serverPort = stream.serverPort ?? 443
  let micros = (stream.start ?? new Date()).getTime() * 1000
  const packets: Buffer[] = []
  const seq = { client: 1_000, server: 5_000 }
  const emit = (from: 'client' | 'server', flags: number, payload: Buffer = Buffer.alloc(0)): void => {
    const to = from === 'client' ? 'server' : 'client'
    const tcp = tcpSegment({
      sourcePort: from === 'client' ? clientPort : serverPort,
      destinationPort: from === 'client' ? serverPort : clientPort,
      seq: seq[from],
      ack: flags & FLAG.ACK ? seq[to] : 0,
      flags,
      payload,
    })
    seq[from] = (seq[from] + payload.length + (flags & (FLAG.SYN | FLAG.FIN) ? 1 : 0)) >>> 0
    micros += 100
    packets.push(packetRecord(micros, ipv4Packet(tcp)))
  }
  emit('client', FLAG.SYN)
  emit('server', FLAG.SYN | FLAG.ACK)
  emit('client', FLAG.ACK)
  for (const segment of stream.segments) {
    for (let offset = 0; offset < segment.data.length; offset += MAX_SEGMENT) {
      emit(segment.from, FLAG.PSH | FLAG.ACK, segment.data.subarray(offset, offset + MAX_SEGMENT))
    }
  }
  emit('client', FLAG.FIN | FLAG.ACK)
  emit('server', FLAG.FIN | FLAG.ACK)
  emit('client', FLAG.ACK)
  return Buffer.concat([globalHeader(), ...packets])
}

function globalHeader(): Buffer {
  const header = Buffer.alloc(24)
  header.writeUInt32LE(0xa1b2c3d4, 0)
  header.writeUInt16LE(2, 4)
  header.writeUInt16LE(4, 6)
  header.writeUInt32LE(65_535, 16)
  header.writeUInt32LE(LINKTYPE_RAW, 20)
  return header
}

function packetRecord(micros: number, packet: Buffer): Buffer {
  const header = Buffer.alloc(16)
  header.writeUInt32LE(Math.floor(micros / 1e6), 0)
  header.writeUInt32LE(Math.floor(micros % 1e6), 4)
  header.writeUInt32LE(packet.length, 8)
  header.writeUInt32LE(packet.length, 12)
  return Buffer.concat([header, packet])
}

const LOOPBACK = Buffer.from([127, 0, 0, 1])

function ipv4Packet(tcp: Buffer): Buffer {
  const header = Buffer.alloc(20)
  header.writeUInt8(0x45, 0) // version 4, IHL 5 (RFC 791 §3.1)
  header.writeUInt16BE(20 + tcp.length, 2)
  header.writeUInt8(64, 8) // TTL
  header.writeUInt8(6, 9) // TCP
  LOOPBACK.copy(header, 12)
  LOOPBACK.copy(header, 16)
  header.writeUInt16BE(internetChecksum(header), 10)
  return Buffer.concat([header, tcp])
}

function tcpSegment(s: { sourcePort: number; destinationPort: number; seq: number; ack: number; flags: number; payload: Buffer }): Buffer {
  const header = Buffer.alloc(20)
  header.writeUInt16BE(s.sourcePort, 0)
  header.writeUInt16BE(s.destinationPort, 2)
  header.writeUInt32BE(s.seq >>> 0, 4)
  header.writeUInt32BE(s.ack >>> 0, 8)
  header.writeUInt8(5 << 4, 12) // data offset: 5 words (RFC 9293 §3.1)
  header.writeUInt8(s.flags, 13)
  header.writeUInt16BE(65_535, 14)
  const segment = Buffer.concat([header, s.payload])
  // RFC 9293 §3.1: the checksum covers a pseudo-header of addresses, protocol and length.
  const pseudo = Buffer.alloc(12)
  LOOPBACK.copy(pseudo, 0)
  LOOPBACK.copy(pseudo, 4)
  pseudo.writeUInt8(6, 9)
  pseudo.writeUInt16BE(segment.length, 10)
  segment.writeUInt16BE(internetChecksum(Buffer.concat([pseudo, segment])), 16)
  return segment
}

/** RFC 1071: one's complement of the one's complement sum of 16-bit words. */
function internetChecksum(bytes: Buffer): number {
  let sum = 0
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] ?? 0) * 256 + (bytes[i + 1] ?? 0)
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
  return ~sum & 0xffff
}
