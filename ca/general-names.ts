import { isIP } from 'node:net'
import { CaError } from '../server/errors.js'
import forge, { bytesFromIp, type ForgeAsn1 } from './forge.js'
import { nameToAsn1, type NameSpec } from './distinguished-name.js'

/** One subjectAltName entry (RFC 5280 §4.2.1.6). Strings are written as given: NULs and '*' included. */
export type GeneralNameSpec = { dns: string } | { ip: string } | { email: string } | { uri: string }

/** One name-constraints subtree (RFC 5280 §4.2.1.10). `ip` is CIDR: '127.0.0.0/8', '::1/128'. */
export type SubtreeSpec = { dns: string } | { ip: string } | { email: string } | { uri: string } | { dn: NameSpec }

const { Class, Type } = forge.asn1

/** forge's subjectAltName altNames entry. */
export function toForgeAltName(name: GeneralNameSpec): { type: number; value?: string; ip?: string } {
  if ('dns' in name) return { type: 2, value: name.dns }
  if ('ip' in name) {
    if (isIP(name.ip) === 0) throw new CaError('CA_INVALID_PARAMS', `SAN ip "${name.ip}" is not an IP address`)
    return { type: 7, ip: name.ip }
  }
  if ('email' in name) return { type: 1, value: name.email }
  return { type: 6, value: name.uri }
}

/** GeneralName for a subtree base: context tags [1] rfc822, [2] dNSName, [4] directoryName, [6] URI, [7] iPAddress. */
export function subtreeBaseToAsn1(subtree: SubtreeSpec): ForgeAsn1 {
  if ('dns' in subtree) return forge.asn1.create(Class.CONTEXT_SPECIFIC, 2, false, subtree.dns)
  if ('email' in subtree) return forge.asn1.create(Class.CONTEXT_SPECIFIC, 1, false, subtree.email)
  if ('uri' in subtree) return forge.asn1.create(Class.CONTEXT_SPECIFIC, 6, false, subtree.uri)
  if ('dn' in subtree) return forge.asn1.create(Class.CONTEXT_SPECIFIC, 4, true, [nameToAsn1(subtree.dn)])
  return forge.asn1.create(Class.CONTEXT_SPECIFIC, 7, false, cidrToOctets(subtree.ip))
}

/** RFC 5280 §4.2.1.10: an iPAddress constraint is the address followed by the mask, 8 or 32 octets. */
export function cidrToOctets(cidr: string): string {
  const [address = '', prefixText] = cidr.split('/')
  const family = isIP(address)
  if (family === 0 || prefixText === undefined || !/^\d+$/.test(prefixText)) {
    throw new CaError('CA_INVALID_PARAMS', `name constraint ip "${cidr}" is not CIDR (address/prefix)`)
  }
  const addressBytes = bytesFromIp(address) ?? ''
  const width = family === 4 ? 32 : 128
  const prefix = Number(prefixText)
  if (prefix > width) throw new CaError('CA_INVALID_PARAMS', `name constraint ip "${cidr}" has prefix > ${width}`)
  let mask = ''
  for (let bit = 0; bit < width; bit += 8) {
    const ones = Math.max(0, Math.min(8, prefix - bit))
    mask += String.fromCharCode((0xff << (8 - ones)) & 0xff)
  }
  return addressBytes + mask
}

export function asn1Sequence(items: ForgeAsn1[]): ForgeAsn1 {
  return forge.asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items)
}
