import { domainToASCII } from 'node:url'
import type { DriverTarget } from './client-driver.js'
import { loginForm } from './error-table.js'
import { targetIsIp } from './target-url.js'

/**
 * The name as it goes on the wire (Host header, SNI, the name to verify):
 * an IDN as its A-label (RFC 5890 §2.3.2.1), an IPv6 literal bracketed in the
 * Host header only (RFC 3986 §3.2.2).
 */
export function wireHostName(target: DriverTarget): string {
  return targetIsIp(target) ? target.host : domainToASCII(target.host) || target.host
}

/**
 * The login as bytes, for clients that are a TLS pipe rather than an HTTP
 * client (gnutls-cli, botan tls_client): one HTTP/1.1 request (RFC 9112),
 * `Connection: close`, so the server closes after its answer.
 */
export function loginRequest(target: DriverTarget): string {
  const body = loginForm(target.credentials)
  const host = wireHostName(target)
  return [
    'POST /login HTTP/1.1',
    `Host: ${host.includes(':') ? `[${host}]` : host}`,
    'Content-Type: application/x-www-form-urlencoded',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n')
}
