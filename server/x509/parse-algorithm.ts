import { decodeOid, readChildren, type Tlv } from './der-reader.js'
import type { AlgorithmIdentifier } from './types.js'

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } (RFC 5280 §4.1.1.2). */
export function parseAlgorithmIdentifier(tlv: Tlv): AlgorithmIdentifier | null {
  if (tlv.identifier !== 0x30) return null
  const parts = readChildren(tlv.value)
  const [oidTlv, parameters] = parts ?? []
  if (parts === null || parts.length > 2 || oidTlv === undefined || oidTlv.identifier !== 0x06) return null
  const oid = decodeOid(oidTlv.value)
  if (oid === null) return null
  return { oid, parametersDer: parameters?.raw ?? null, der: tlv.raw }
}
