import type { StepResult } from '../../steps/step-result.js'
import { bytesEqual } from '../../x509/der-reader.js'
import { formatIpBytes } from '../../x509/format-ip.js'
import { attributeValues, OID_COMMON_NAME } from '../../x509/parse-name.js'
import { fail, pass, type VerifyContext } from '../context.js'
import { toReferenceDnsName } from '../names/dns-name.js'
import { parseIpAddress } from '../names/ip-address.js'
import { dnsNameMatches } from '../names/match-hostname.js'

/**
 * HOST: the leaf names the expected host (RFC 6125 §6, RFC 9525): SAN dNSName
 * for DNS names, SAN iPAddress for IP literals (never a DNS SAN for an IP,
 * §6.2.1 of RFC 9525 / CA/B BR). The subject CN is consulted only when the
 * caller opts into the legacy fallback and the SAN holds no DNS or IP name.
 */
export function checkHostname(ctx: VerifyContext): StepResult {
  const leaf = ctx.path.certs[0]
  if (leaf === undefined) return fail('NO_CERTIFICATES', {})
  const sans = leaf.subjectAltNames ?? []
  const dnsSans = sans.flatMap((n) => (n.type === 'dns' ? [n.value] : []))
  const ipSans = sans.flatMap((n) => (n.type === 'ip' ? [n.bytes] : []))
  const presented = [...dnsSans, ...ipSans.map(formatIpBytes)]
  // A URL writes an IPv6 host in brackets (RFC 3986 §3.2.2); the address is what is inside.
  const bracketed = /^\[(.*)\]$/.exec(ctx.expectedHost)?.[1]
  const expectedIp = parseIpAddress(bracketed ?? ctx.expectedHost)
  const expected = ctx.expectedHost
  if (expectedIp !== null) {
    if (ipSans.some((ip) => bytesEqual(ip, expectedIp))) return pass('HOST', `The certificate names ${expected}`, { expected })
    return fail(presented.length === 0 ? 'NO_SUBJECT_ALT_NAME' : 'HOSTNAME_MISMATCH', { expected, presented })
  }
  const reference = toReferenceDnsName(expected)
  if (reference === null) return fail('INVALID_REFERENCE_NAME', { expected })
  const useCn = ctx.allowCommonNameFallback && dnsSans.length === 0 && ipSans.length === 0
  const candidates = useCn ? attributeValues(leaf.subject, OID_COMMON_NAME).map((a) => a.value) : dnsSans
  if (candidates.some((name) => dnsNameMatches(name, reference))) return pass('HOST', `The certificate names ${expected}`, { expected })
  if (presented.length === 0 && !useCn) {
    const commonNames = attributeValues(leaf.subject, OID_COMMON_NAME).map((a) => a.value)
    return fail('NO_SUBJECT_ALT_NAME', { expected, presented: commonNames })
  }
  return fail('HOSTNAME_MISMATCH', { expected, presented: useCn ? candidates : presented })
}

