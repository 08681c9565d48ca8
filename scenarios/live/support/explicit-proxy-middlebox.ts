import type { IssuedCertificate } from '../../../ca/index.js'
import { startConnectTunnel } from '../../../server/drivers/connect-tunnel.js'
import type { PathMiddlebox, UpstreamEndpoint } from '../../define-scenario.js'
import { startForgingMiddlebox } from './forging-middlebox.js'

/**
 * An explicit HTTP proxy the victim was configured to use (a corporate proxy,
 * or a rogue one handed out by WPAD/PAC): it answers CONNECT and then forges
 * TLS for whatever the client tunnels, relaying to the genuine server.
 */
export async function startExplicitForgingProxy(upstream: UpstreamEndpoint, served: IssuedCertificate[]): Promise<PathMiddlebox> {
  const forging = await startForgingMiddlebox(upstream, served)
  const front = await startConnectTunnel(forging.connectTo)
  return {
    connectTo: { host: front.host, port: front.port },
    records: () => forging.records(),
    whenIdle: (timeoutMs) => forging.whenIdle(timeoutMs),
    close: async () => {
      await front.close()
      await forging.close()
    },
  }
}
