import { isIP } from 'node:net'
import { createSecureContext } from 'node:tls'

/**
 * Values a scenario file may hold only if the lab can actually build and serve
 * them: each predicate here answers, at load time, what would otherwise fail
 * only when the scenario runs (issue 17 item 8). Each returns why the value
 * cannot be used, or null. Deliberately broken certificates stay possible
 * (a zero or 21-octet serial, pathLen on a leaf, an unknown OID): only what the
 * CA code (node-forge) or OpenSSL cannot encode or load is refused.
 */

/** An iPAddress SAN: a literal IPv4 or IPv6 address (ca/general-names.ts writes it with node:net's parser). */
export function ipAddressProblem(value: string): string | null {
  return isIP(value) === 0 ? `"${value}" is not an IPv4 or IPv6 address` : null
}

/** A name-constraints iPAddress base: address/prefix, prefix at most 32 (IPv4) or 128 (IPv6) (RFC 5280 §4.2.1.10, RFC 4632). */
export function cidrProblem(value: string): string | null {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(value)
  const family = match === null ? 0 : isIP(match[1] ?? '')
  if (match === null || family === 0) return `"${value}" is not CIDR (an IP address, "/", a prefix length)`
  const width = family === 4 ? 32 : 128
  return Number(match[2]) > width ? `"${value}": the prefix length is at most ${width} for an IPv${family} address` : null
}

/**
 * node-forge writes pathLenConstraint as a 32-bit signed INTEGER and throws
 * "Integer too large" beyond; RFC 5280 §4.2.1.9 bounds it only by MAX, and no
 * real chain is longer than a handful of certificates.
 */
export const MAX_PATH_LEN = 2 ** 31 - 1

/** node-forge encodes each OID arc (and 40 × first + second) in at most 32 bits. */
const MAX_OID_ARC = 2 ** 32 - 1

/** A dotted OID that X.690 §8.19 can encode: first arc 0-2, second arc below 40 under 0 and 1, canonical decimal arcs. */
export function oidProblem(value: string): string | null {
  if (!/^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/.test(value)) return `"${value}" is not a dotted OID (decimal arcs without leading zeros, at least two)`
  const arcs = value.split('.').map(Number)
  const [first = 0, second = 0] = arcs
  if (first > 2) return `"${value}": the first arc is 0, 1 or 2 (X.660)`
  if (first < 2 && second > 39) return `"${value}": under arc ${first} the second arc is at most 39 (X.690 §8.19.4)`
  if (first * 40 + second > MAX_OID_ARC || arcs.some((arc) => arc > MAX_OID_ARC)) return `"${value}": an arc is larger than ${MAX_OID_ARC} (the CA writes 32-bit arcs)`
  return null
}

/**
 * The serial number is written as the DER INTEGER's content bytes, exactly as
 * given. RFC 5280 §4.1.2.2 allows 20 octets; a file may go beyond to test a
 * client's limit, up to this many (a longer serial tests nothing more).
 */
export const MAX_SERIAL_OCTETS = 64

/**
 * A serial number OpenSSL can load: X.690 §8.3.2 minimal encoding, since
 * OpenSSL refuses a certificate whose serial starts 00 00-7f or ff 80-ff
 * ("asn1 encoding routines::illegal padding") and the proxy could not serve it.
 * An odd number of hex digits is read as node-forge does: a leading "0" added.
 */
export function serialNumberProblem(hex: string): string | null {
  const bytes = Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex')
  if (bytes.length > MAX_SERIAL_OCTETS) return `${bytes.length} octets; at most ${MAX_SERIAL_OCTETS} (RFC 5280 §4.1.2.2 allows 20)`
  const [first, second] = bytes
  if (second !== undefined && ((first === 0x00 && second < 0x80) || (first === 0xff && second >= 0x80))) {
    return 'not the minimal encoding of an integer (X.690 §8.3.2: a leading 00 only before a byte ≥ 80, a leading ff only before a byte < 80); OpenSSL cannot load it'
  }
  return null
}

/** An OpenSSL cipher string this Node's OpenSSL accepts: asked of node:tls itself, as the proxy will. */
export function cipherStringProblem(ciphers: string): string | null {
  try {
    createSecureContext({ ciphers })
    return null
  } catch (cause) {
    return `"${ciphers}" is not a cipher string this Node's OpenSSL accepts (${cause instanceof Error ? cause.message : String(cause)})`
  }
}
