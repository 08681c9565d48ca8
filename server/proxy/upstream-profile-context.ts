import { createSecureContext, type SecureContext } from 'node:tls'
import { upstreamTlsOptions } from '../fingerprint/upstream-profiles.js'
import type { ClientHello } from '../tls/client-hello/types.js'
import type { StartInterceptingProxyParams } from './proxy-types.js'

/**
 * The TLS context of one upstream connection. The default profile shares the
 * proxy-wide context (no per-connection work); 'legacy-middlebox' and
 * 'impersonate' shape the upstream ClientHello, the latter from this client's
 * own hello, so it costs a context per connection (~1 ms) and is opt-in.
 */
export function upstreamContextFor(
  params: StartInterceptingProxyParams,
  shared: SecureContext,
  clientHello: ClientHello | null,
): SecureContext {
  const profile = params.upstream.profile ?? 'node-default'
  if (profile === 'node-default') return shared
  const { ALPNProtocols: _alpn, servername: _servername, ...shape } = upstreamTlsOptions(profile, clientHello)
  return createSecureContext({ ...(params.upstream.caPem === '' ? {} : { ca: params.upstream.caPem }), ...shape })
}
