import { isIP } from 'node:net'
import type { PeerCertificate, TLSSocket } from 'node:tls'

/**
 * The upstream check Node does with `rejectUnauthorized: true`, done cheaper:
 * the chain verdict OpenSSL already computed (`authorized`) plus an RFC 6125
 * name check by OpenSSL's X509_check_host/X509_check_ip through
 * X509Certificate. Node's own path builds `getPeerCertificate(true)` (a JS
 * object with three fingerprints per certificate in the chain) for every
 * connection just to read the SANs; that was ~0.3 ms of the proxy's CPU per
 * intercepted handshake. Returns null when the server is who it should be.
 */
export function upstreamIdentityError(upstream: TLSSocket, expectedName: string): string | null {
  if (!upstream.authorized) return `upstream certificate rejected: ${String(upstream.authorizationError ?? 'unknown error')}`
  const certificate = upstream.getPeerX509Certificate()
  if (certificate === undefined) return 'upstream sent no certificate'
  const matches = isIP(expectedName) === 0 ? certificate.checkHost(expectedName) !== undefined : certificate.checkIP(expectedName) !== undefined
  return matches ? null : `upstream certificate is not valid for ${expectedName}`
}

/** Passed as `checkServerIdentity`: upstreamIdentityError does the same check, natively. */
export function skipNodeIdentityCheck(): undefined {
  return undefined
}

/**
 * Node's client calls `getPeerCertificate(true)` on every handshake, even with
 * rejectUnauthorized false, only to hand it to `checkServerIdentity`
 * (lib/_tls_wrap.js onConnectSecure); with OpenSSL 3 that object costs a copy
 * and a re-decode of each certificate. This upstream socket belongs to the
 * proxy alone and nothing else reads that object, so it gets an empty one;
 * `getPeerX509Certificate()` still works.
 */
export function withoutDetailedPeerCertificate(upstream: TLSSocket): void {
  Object.defineProperty(upstream, 'getPeerCertificate', { value: (): PeerCertificate | object => ({}) })
}
