import type { TLSSocket } from 'node:tls'
import { ianaGroupName } from '../tls/key-exchange-group.js'

/**
 * The key-exchange group of a leg on which the proxy is the TLS client (the upstream leg), as
 * OpenSSL reports it (`SSL_get_negotiated_group`, through `getEphemeralKeyInfo()`), in IANA spelling.
 * The client-facing leg, where the proxy is the server, is measured by probeServerGroup instead.
 */
export function upstreamLegGroup(socket: TLSSocket): string | null {
  const info = socket.getEphemeralKeyInfo()
  if (info === null || typeof info !== 'object' || !('name' in info) || typeof info.name !== 'string') return null
  return ianaGroupName(info.name)
}
