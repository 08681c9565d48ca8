import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../errors.js'
import { writeProductCa } from './lab-issued-ca.js'
import type { ProductInstance, ProductStartParams, ProductUnderTest } from './product.js'
import { reservePort, startProductProcess } from './product-process.js'

const PLACEHOLDERS = ['port', 'ca_cert', 'ca_key', 'state_dir', 'hosts_file', 'upstream_ca'] as const

/**
 * Any other product, by a command template run through `sh -c`:
 * `{port}` (where it must listen as an explicit CONNECT proxy on 127.0.0.1),
 * `{ca_cert}` `{ca_key}` (a fresh CA the lab made for this install),
 * `{state_dir}`, `{hosts_file}` (/etc/hosts format: every `*.upstream.lab`
 * is 127.0.0.1) and `{upstream_ca}` (the lab's public root, to trust upstream).
 * The client CONNECTs to `<defect>.upstream.lab:<port>`.
 */
export function commandProduct(template: string): ProductUnderTest {
  if (!template.includes('{port}')) throw new ConfigError('CONFIG_INVALID', '--proxy-cmd must contain {port}: where the product listens')
  const unknown = [...template.matchAll(/\{([a-z_]+)\}/g)].map((match) => match[1] ?? '').filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name))
  if (unknown.length > 0) throw new ConfigError('CONFIG_INVALID', `--proxy-cmd has unknown placeholder(s) ${unknown.map((name) => `{${name}}`).join(', ')}; known: ${PLACEHOLDERS.map((name) => `{${name}}`).join(' ')}`)
  return {
    id: 'custom',
    description: `--proxy-cmd '${template}'`,
    reproduce: `npx mitmlab grade-proxy --proxy-cmd '${template}'`,
    generatesOwnCa: false,
    unavailableReason: () => null,
    start: async (params: ProductStartParams): Promise<ProductInstance> => {
      const port = await reservePort()
      const { ca, certFile, keyFile } = writeProductCa(params.stateDir, 'custom product')
      const hostsFile = join(params.stateDir, 'hosts')
      writeFileSync(hostsFile, `127.0.0.1 ${params.upstreams.map((upstream) => upstream.host).join(' ')}\n`)
      const values: Record<(typeof PLACEHOLDERS)[number], string> = {
        port: String(port),
        ca_cert: certFile,
        ca_key: keyFile,
        state_dir: params.stateDir,
        hosts_file: hostsFile,
        upstream_ca: params.upstreamRootFile,
      }
      const command = template.replace(/\{([a-z_]+)\}/g, (_, name: string) => values[name as keyof typeof values])
      const child = await startProductProcess('--proxy-cmd', 'sh', ['-c', `exec ${command}`], [port])
      return {
        caCertDer: ca.der,
        routeFor: (upstream) => ({ kind: 'connect', proxyHost: '127.0.0.1', proxyPort: port, target: `${upstream.host}:${upstream.port}` }),
        logTail: child.logTail,
        stop: child.stop,
      }
    },
  }
}
