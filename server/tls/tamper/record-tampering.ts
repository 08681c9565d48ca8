import { encodeRecord } from '../records/record-splitter.js'
import { ContentType } from '../records/record-types.js'
import type { TlsRecord } from '../records/record-types.js'
import type { Direction } from '../handshake/transcript-types.js'
import { pass } from './tamper-strategy.js'
import type { RecordContext, RelayDecision, TamperStrategy } from './tamper-strategy.js'

/**
 * Edits of protected application records by a relay that holds no keys.
 * Each one must be caught by the receiver's record protection: the AEAD tag
 * covers the ciphertext and, through the nonce, the sequence number
 * (RFC 8446 §5.2–5.3, RFC 5246 §6.2.3.3).
 */
function isTarget(context: RecordContext, direction: Direction, applicationIndex: number): boolean {
  return context.direction === direction && context.applicationIndex === applicationIndex
}

/** Flips one bit in the middle of the ciphertext: the tag no longer verifies. */
export function flipBitStrategy(direction: Direction, applicationIndex = 0): TamperStrategy {
  return {
    onRecord(record, context) {
      if (!isTarget(context, direction, applicationIndex)) return pass(record)
      const raw = Buffer.from(record.raw)
      const at = 5 + (record.payload.length >> 1)
      raw[at] = (raw[at] ?? 0) ^ 0x01
      return { forward: [raw], note: `flipped bit 0 of byte ${at} in ${direction} application record ${applicationIndex}` }
    },
    flush: () => [],
  }
}

/** A forged application record the sender never sealed, inserted before the target. */
export function injectStrategy(direction: Direction, applicationIndex = 0): TamperStrategy {
  return {
    onRecord(record, context) {
      if (!isTarget(context, direction, applicationIndex)) return pass(record)
      const forged = encodeRecord(ContentType.applicationData, record.version, Buffer.alloc(48, 0x42))
      return { forward: [forged, record.raw], note: `injected a 48-byte forged record before ${direction} application record ${applicationIndex}` }
    },
    flush: () => [],
  }
}

/** Swaps the target with the next application record: each opens with the wrong sequence number. */
export function reorderStrategy(direction: Direction, applicationIndex = 0): TamperStrategy {
  let held: TlsRecord | undefined
  return {
    onRecord(record, context) {
      if (isTarget(context, direction, applicationIndex)) {
        held = record
        return { forward: [] }
      }
      if (held && context.direction === direction && context.applicationIndex === applicationIndex + 1) {
        const first = held
        held = undefined
        return { forward: [record.raw, first.raw], note: `swapped ${direction} application records ${applicationIndex} and ${applicationIndex + 1}` }
      }
      return pass(record)
    },
    flush(flushed) {
      if (flushed !== direction || !held) return []
      const rest = [held.raw]
      held = undefined
      return rest
    },
  }
}

/** Forwards `after` application records, then ends both TCP legs: no close_notify ever arrives. */
export function truncateStrategy(direction: Direction, after = 1): TamperStrategy {
  let done = false
  return {
    onRecord(record, context): RelayDecision {
      if (done) return { forward: [] }
      if (context.direction !== direction || context.applicationIndex === undefined || context.applicationIndex < after) return pass(record)
      done = true
      return { forward: [], closeBoth: true, note: `closed TCP after ${after} ${direction} application record(s), dropping the rest` }
    },
    flush: () => [],
  }
}
