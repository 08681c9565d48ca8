import type { TlsRecord } from '../records/record-types.js'
import { ContentType } from '../records/record-types.js'
import { TruncatedField } from '../handshake/byte-reader.js'
import { serverHelloSummary } from '../handshake/message-fields.js'
import { HandshakeType } from '../handshake/tls-names.js'
import type { Direction } from '../handshake/transcript-types.js'

/**
 * Tells a non-terminating relay which ciphertext records carry application
 * data, without any key: from the version in the (plaintext) ServerHello and
 * the record sequence. Client→server: TLS 1.2 sends CCS then an encrypted
 * Finished (RFC 5246 §7.4.9); TLS 1.3 sends its Finished as the first
 * application_data-typed record (RFC 8446 §5.1). Server→client in TLS 1.3 the
 * count of protected handshake records is unknown, so application data is
 * whatever follows the client's first application record.
 */
export class RecordPhaseTracker {
  version: number | undefined
  private readonly finishedSeen: Record<Direction, boolean> = { clientToServer: false, serverToClient: false }
  private readonly ccsSeen: Record<Direction, boolean> = { clientToServer: false, serverToClient: false }
  private readonly applicationCount: Record<Direction, number> = { clientToServer: 0, serverToClient: 0 }

  /** Returns the record's index among application records of its direction, or undefined. */
  classify(direction: Direction, record: TlsRecord): number | undefined {
    if (direction === 'serverToClient' && this.version === undefined) this.readServerHello(record)
    if (record.type === ContentType.changeCipherSpec) {
      this.ccsSeen[direction] = true
      return undefined
    }
    if (!this.isApplication(direction, record)) return undefined
    return this.applicationCount[direction]++
  }

  private isApplication(direction: Direction, record: TlsRecord): boolean {
    const tls13 = this.version === 0x0304
    const encrypted = tls13 ? record.type === ContentType.applicationData : this.ccsSeen[direction]
    if (!encrypted) return false
    if (tls13 && direction === 'serverToClient') return this.applicationCount.clientToServer > 0
    if (!this.finishedSeen[direction]) {
      this.finishedSeen[direction] = true
      return false
    }
    return record.type === ContentType.applicationData
  }

  private readServerHello(record: TlsRecord): void {
    const payload = record.payload
    if (record.type !== ContentType.handshake || payload[0] !== HandshakeType.serverHello || payload.length < 4) return
    try {
      const summary = serverHelloSummary(payload.subarray(4, 4 + payload.readUIntBE(1, 3)), 0)
      if (!summary.helloRetryRequest) this.version = summary.version
    } catch (error) {
      if (!(error instanceof TruncatedField)) throw error
    }
  }
}
