import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import { LabError } from '../errors.js'
import type { ProductInstance, ProductStartParams, ProductUnderTest } from './product.js'
import { reservePort, startProductProcess, which } from './product-process.js'

/**
 * mitmproxy's own configuration cannot map names to ports (it resolves with the
 * system resolver), so the lab gives it an addon: mitmproxy 8's `server_connect`
 * hook (mitmproxy/proxy/server_hooks.py) runs before the upstream connection
 * opens, and the addon points `<defect>.upstream.lab:443` at the defect's
 * loopback port. SNI and certificate checks keep the name (mitmproxy verifies
 * against `server.sni`, mitmproxy/addons/tlsconfig.py).
 */
const HOSTS_ADDON = `import json, os

HOSTS = json.load(open(os.environ["MITMLAB_HOSTS"]))


def server_connect(data):
    host = data.server.address[0]
    target = HOSTS.get(host)
    if target is not None:
        data.server.address = ("127.0.0.1", target)
`

export function mitmproxyProduct(options: { insecure: boolean }): ProductUnderTest {
  const id = options.insecure ? 'mitmproxy-ssl-insecure' : 'mitmproxy'
  return {
    id,
    description: options.insecure ? 'mitmproxy 8 (mitmdump --ssl-insecure: upstream certificates not verified)' : 'mitmproxy 8 (mitmdump, default options)',
    reproduce: `npx mitmlab grade-proxy --product ${id}`,
    generatesOwnCa: true,
    unavailableReason: () => (which('mitmdump') === null ? 'mitmdump is not installed (Debian package mitmproxy)' : null),
    start: async (params: ProductStartParams): Promise<ProductInstance> => {
      const port = await reservePort()
      const hostsFile = join(params.stateDir, 'hosts.json')
      writeFileSync(hostsFile, JSON.stringify(Object.fromEntries(params.upstreams.map((upstream) => [upstream.host, upstream.port]))))
      const addon = join(params.stateDir, 'mitmlab_hosts.py')
      writeFileSync(addon, HOSTS_ADDON)
      const args = [
        '--listen-host', '127.0.0.1',
        '--listen-port', String(port),
        '--set', `confdir=${params.stateDir}`,
        '--set', `ssl_verify_upstream_trusted_ca=${params.upstreamRootFile}`,
        '-s', addon,
        ...(options.insecure ? ['--ssl-insecure'] : []),
      ]
      const child = await startProductProcess('mitmdump', 'mitmdump', args, [port], { ...process.env, MITMLAB_HOSTS: hostsFile, HOME: params.stateDir })
      const caFile = join(params.stateDir, 'mitmproxy-ca-cert.pem')
      if (!existsSync(caFile)) {
        await child.stop()
        throw new LabError('PROXY_START_FAILED', `mitmdump started but wrote no CA at ${caFile}`)
      }
      return {
        caCertDer: new X509Certificate(readFileSync(caFile)).raw,
        routeFor: (upstream) => ({ kind: 'connect', proxyHost: '127.0.0.1', proxyPort: port, target: `${upstream.host}:443` }),
        logTail: child.logTail,
        stop: child.stop,
      }
    },
  }
}
