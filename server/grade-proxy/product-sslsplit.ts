import type { ProductInstance, ProductStartParams, ProductUnderTest } from './product.js'
import { writeProductCa } from './lab-issued-ca.js'
import { reservePort, startProductProcess, which } from './product-process.js'

/**
 * SSLsplit 0.5.5 is no explicit proxy: it takes NAT-redirected connections
 * (netfilter/tproxy, which needs firewall rules) or fixed proxyspecs. On
 * loopback without firewall rules the lab uses one static-target proxyspec
 * per defect (`ssl 127.0.0.1 <listen> 127.0.0.1 <upstream port>`): the client
 * connects to that listener as if redirected, sending the defect's name as
 * SNI, which SSLsplit forwards upstream. (Its `sni <port>` mode would resolve
 * the SNI through DNS, which cannot map names to the lab's ports.)
 */
export function sslsplitProduct(): ProductUnderTest {
  return {
    id: 'sslsplit',
    description: 'SSLsplit 0.5.5 (static-target proxyspecs, one per upstream, default options)',
    reproduce: 'npx mitmlab grade-proxy --product sslsplit',
    generatesOwnCa: false,
    unavailableReason: () => (which('sslsplit') === null ? 'sslsplit is not installed (Debian package sslsplit)' : null),
    start: async (params: ProductStartParams): Promise<ProductInstance> => {
      const { ca, certFile, keyFile } = writeProductCa(params.stateDir, 'SSLsplit')
      const listeners = new Map<string, number>()
      const specs: string[] = []
      for (const upstream of params.upstreams) {
        const port = await reservePort()
        listeners.set(upstream.defectId, port)
        specs.push('ssl', '127.0.0.1', String(port), '127.0.0.1', String(upstream.port))
      }
      // Root: SSLsplit drops to `nobody` itself after loading the keys (-u default).
      const child = await startProductProcess('sslsplit', 'sslsplit', ['-k', keyFile, '-c', certFile, ...specs], [...listeners.values()])
      return {
        caCertDer: ca.der,
        routeFor: (upstream) => ({ kind: 'direct', host: '127.0.0.1', port: listeners.get(upstream.defectId) ?? 0 }),
        logTail: child.logTail,
        stop: child.stop,
      }
    },
  }
}
