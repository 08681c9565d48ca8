import { encodeRecord } from '../records/record-splitter.js'
import { ContentType } from '../records/record-types.js'
import type { ClientHelloEdit } from './client-hello-edit.js'
import { editClientHelloMessage } from './client-hello-edit.js'
import { pass } from './tamper-strategy.js'
import type { TamperStrategy } from './tamper-strategy.js'

/**
 * Rewrites the first ClientHello in flight. The hello may span several
 * records (RFC 8446 §5.1 allows fragmenting handshake messages), so its
 * records are held until the message is whole, then sent as one record.
 */
export function editClientHelloStrategy(edits: readonly ClientHelloEdit[]): TamperStrategy {
  let state: 'collecting' | 'done' = 'collecting'
  let collected: Buffer = Buffer.alloc(0)
  let version = 0x0301
  return {
    onRecord(record, context) {
      if (state === 'done' || context.direction !== 'clientToServer') return pass(record)
      if (record.type !== ContentType.handshake) {
        state = 'done'
        return { forward: [...(collected.length ? [encodeRecord(ContentType.handshake, version, collected)] : []), record.raw] }
      }
      version = record.version
      collected = Buffer.concat([collected, record.payload])
      if (collected.length < 4 || collected.length < 4 + collected.readUIntBE(1, 3)) return { forward: [] }
      state = 'done'
      const length = 4 + collected.readUIntBE(1, 3)
      const edited = editClientHelloMessage(collected.subarray(0, length), edits)
      const rest = collected.subarray(length)
      if (!edited.ok) return { forward: [encodeRecord(ContentType.handshake, version, collected)], note: `ClientHello left as is: ${edited.reason}` }
      const kinds = edits.map((e) => e.kind).join(', ')
      const records = [encodeRecord(ContentType.handshake, version, Buffer.concat([edited.message, rest]))]
      return { forward: records, note: `edited ClientHello (${kinds}): ${length} → ${edited.message.length} bytes` }
    },
    flush(direction) {
      if (direction !== 'clientToServer' || state === 'done' || collected.length === 0) return []
      state = 'done'
      return [encodeRecord(ContentType.handshake, version, collected)]
    },
  }
}
