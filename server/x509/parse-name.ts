import { decodeOid, latin1, readChildren, readSingle, toHex } from './der-reader.js'
import type { DistinguishedName, NameAttribute } from './types.js'

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
}

export const OID_COMMON_NAME = '2.5.4.3'
export const OID_EMAIL_ADDRESS = '1.2.840.113549.1.9.1'

/** Parses an RDNSequence (RFC 5280 §4.1.2.4) from its full DER, or null when malformed. */
export function parseName(der: Uint8Array): DistinguishedName | null {
  const sequence = readSingle(der)
  if (sequence === null || sequence.identifier !== 0x30) return null
  const rdns = readChildren(sequence.value)
  if (rdns === null) return null
  const name: DistinguishedName = []
  for (const rdn of rdns) {
    if (rdn.identifier !== 0x31) return null
    const attributes = readChildren(rdn.value)
    if (attributes === null || attributes.length === 0) return null
    const parsed: NameAttribute[] = []
    for (const attribute of attributes) {
      const parts = attribute.identifier === 0x30 ? readChildren(attribute.value) : null
      const [type, value] = parts ?? []
      if (parts?.length !== 2 || type === undefined || value === undefined || type.identifier !== 0x06) return null
      const oid = decodeOid(type.value)
      if (oid === null) return null
      parsed.push({ oid, value: decodeString(value.identifier, value.value), valueTag: value.identifier })
    }
    name.push(parsed)
  }
  return name
}

function decodeString(tag: number, bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (tag === 0x0c) return buffer.toString('utf8')
  // BMPString is UTF-16BE.
  if (tag === 0x1e && bytes.length % 2 === 0) return Buffer.from(buffer).swap16().toString('utf16le')
  if (tag === 0x13 || tag === 0x16 || tag === 0x14) return latin1(bytes)
  return `#${toHex(bytes)}`
}

/** Values of one attribute type, in order (e.g. every CN). */
export function attributeValues(name: DistinguishedName, oid: string): NameAttribute[] {
  return name.flat().filter((attribute) => attribute.oid === oid)
}

/** RFC 4514-style one-line form, most significant RDN last as OpenSSL prints it left to right: "C=US, O=Lab, CN=x". */
export function formatName(name: DistinguishedName): string {
  return name
    .map((rdn) => rdn.map((a) => `${SHORT_NAMES[a.oid] ?? a.oid}=${a.value}`).join(' + '))
    .join(', ')
}
