import { latin1, readChildren, readSingle, type Tlv } from './der-reader.js'
import { parseName } from './parse-name.js'
import type { GeneralName } from './types.js'

/** One GeneralName (RFC 5280 §4.2.1.6), implicit context tags; exact bytes kept. Null when malformed. */
export function parseGeneralName(tlv: Tlv): GeneralName | null {
  if (tlv.tagClass !== 2) return null
  switch (tlv.tagNumber) {
    case 1:
      return tlv.constructed ? null : { type: 'email', value: latin1(tlv.value) }
    case 2:
      return tlv.constructed ? null : { type: 'dns', value: latin1(tlv.value) }
    case 6:
      return tlv.constructed ? null : { type: 'uri', value: latin1(tlv.value) }
    case 7:
      return tlv.constructed ? null : { type: 'ip', bytes: tlv.value }
    case 4: {
      // directoryName is EXPLICIT (a CHOICE): [4] { Name }.
      const inner = tlv.constructed ? readSingle(tlv.value) : null
      const name = inner === null ? null : parseName(inner.raw)
      return inner === null || name === null ? null : { type: 'dn', der: inner.raw, name }
    }
    default:
      return { type: 'other', tag: tlv.tagNumber }
  }
}

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName. Null when malformed or empty. */
export function parseGeneralNames(der: Uint8Array): GeneralName[] | null {
  const sequence = readSingle(der)
  if (sequence === null || sequence.identifier !== 0x30) return null
  const items = readChildren(sequence.value)
  if (items === null || items.length === 0) return null
  const names: GeneralName[] = []
  for (const item of items) {
    const name = parseGeneralName(item)
    if (name === null) return null
    names.push(name)
  }
  return names
}
