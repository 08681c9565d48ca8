import { createSecureContext, type SecureVersion } from 'node:tls'
import { chainPem, formatName, type IssuedCertificate } from '../../../ca/index.js'
import { startInterceptingProxy } from '../../../server/proxy/intercepting-proxy.js'
import type { PathMiddlebox, UpstreamEndpoint } from '../../define-scenario.js'

/** Something else a scenario started (a revocation server, an OCSP blocker) that dies with the middlebox. */
export interface Closable {
  close(): Promise<void>
}

/**
 * The intercepting proxy serving a fixed chain, plus the servers the scenario
 * started alongside it, as one middlebox the runner can wait for and close.
 */
export async function startForgingMiddlebox(
  upstream: UpstreamEndpoint,
  served: IssuedCertificate[],
  companions: Closable[] = [],
  clientFacingTls: { minVersion?: SecureVersion; maxVersion?: SecureVersion; ciphers?: string } = {},
): Promise<PathMiddlebox> {
  const [leaf] = served
  if (leaf === undefined) throw new Error('startForgingMiddlebox needs a leaf')
  const certificate = {
    secureContext: createSecureContext({ key: leaf.key.privateKeyPem, cert: chainPem(...served), ...clientFacingTls }),
    chainDer: served.map((cert) => cert.der),
    chainSubjects: served.map((cert, index) => ({ subject: formatName(cert.subject), issuer: formatName(served[index + 1]?.subject ?? cert.subject) })),
  }
  const proxy = await startInterceptingProxy({ mode: 'terminate', upstream, certificateFor: () => certificate, clientFacingTls })
  return {
    connectTo: { host: proxy.host, port: proxy.port },
    records: () => proxy.records,
    whenIdle: (timeoutMs) => proxy.whenIdle(timeoutMs),
    close: async () => {
      await proxy.close()
      await Promise.all(companions.map((companion) => companion.close()))
    },
  }
}
