import { isIP } from 'node:net'
import type { DriverTarget } from './client-driver.js'

/** Whether the victim asks for an IP address rather than a name (RFC 6125 §1.7.2: then an iPAddress SAN must match, and no SNI is sent, RFC 6066 §3). */
export function targetIsIp(target: DriverTarget): boolean {
  return isIP(target.host) !== 0
}

/** The URL the victim opens: https://bank.lab/login, with an IPv6 literal bracketed (RFC 3986 §3.2.2). */
export function loginUrl(target: DriverTarget): string {
  const host = isIP(target.host) === 6 ? `[${target.host}]` : target.host
  return `https://${host}/login`
}
