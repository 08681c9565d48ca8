import { spawnSync } from 'node:child_process'
import { chownSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LabError } from '../errors.js'
import { writeProductCa } from './lab-issued-ca.js'
import type { ProductInstance, ProductStartParams, ProductUnderTest } from './product.js'
import { reservePort, startProductProcess, which } from './product-process.js'

const CERTGEN = '/usr/lib/squid/security_file_certgen'
/** Debian's squid drops root privileges to this user (cache_effective_user, debian/rules). */
const SQUID_USER = 'proxy'

/**
 * Squid 5 with SSL-Bump, as its documentation's "peek and bump" recipe
 * (wiki.squid-cache.org/Features/SslPeekAndSplice): peek at the client's
 * SNI at step 1, then bump, so the forged leaf mimics the upstream one.
 * Names resolve through `hosts_file` (every `*.upstream.lab` is 127.0.0.1);
 * an /etc/hosts line has no port, so the client CONNECTs to the defect's real
 * port. Upstream trust: `tls_outgoing_options cafile=` the lab's public root.
 */
export function squidProduct(): ProductUnderTest {
  return {
    id: 'squid',
    description: 'Squid 5.7 with SSL-Bump (peek at step 1, then bump; squid-openssl)',
    reproduce: 'npx mitmlab grade-proxy --product squid',
    generatesOwnCa: false,
    unavailableReason: () => {
      if (which('squid') === null) return 'squid is not installed (Debian package squid-openssl)'
      const version = spawnSync('squid', ['-v'], { encoding: 'utf8' }).stdout
      if (!version.includes('--with-openssl')) return 'this squid has no OpenSSL (SSL-Bump needs Debian package squid-openssl, not squid)'
      try {
        statSync(CERTGEN)
      } catch {
        return `${CERTGEN} is missing (Debian package squid-openssl)`
      }
      return null
    },
    start: async (params: ProductStartParams): Promise<ProductInstance> => {
      const port = await reservePort()
      const { ca, certFile, keyFile } = writeProductCa(params.stateDir, 'Squid')
      const sslDb = join(params.stateDir, 'ssl_db')
      const init = spawnSync(CERTGEN, ['-c', '-s', sslDb, '-M', '4MB'], { encoding: 'utf8' })
      if (init.status !== 0) throw new LabError('PROXY_START_FAILED', `${CERTGEN} -c failed: ${init.stderr.trim()}`)
      writeFileSync(join(params.stateDir, 'hosts'), `127.0.0.1 ${params.upstreams.map((upstream) => upstream.host).join(' ')}\n`)
      const conf = [
        `http_port 127.0.0.1:${port} ssl-bump generate-host-certificates=on dynamic_cert_mem_cache_size=4MB tls-cert=${certFile} tls-key=${keyFile}`,
        `sslcrtd_program ${CERTGEN} -s ${sslDb} -M 4MB`,
        'sslcrtd_children 2 startup=1 idle=1',
        'acl step1 at_step SslBump1',
        'ssl_bump peek step1',
        'ssl_bump bump all',
        `tls_outgoing_options cafile=${params.upstreamRootFile}`,
        `hosts_file ${join(params.stateDir, 'hosts')}`,
        'acl loopback src 127.0.0.1/32',
        'http_access allow loopback',
        'http_access deny all',
        'cache deny all',
        'cache_mem 8 MB',
        `pid_filename ${join(params.stateDir, 'squid.pid')}`,
        `cache_log ${join(params.stateDir, 'cache.log')}`,
        `access_log stdio:${join(params.stateDir, 'access.log')}`,
        `coredump_dir ${params.stateDir}`,
        'netdb_filename none',
        'shutdown_lifetime 0 seconds',
        `cache_effective_user ${SQUID_USER}`,
        '',
      ].join('\n')
      const confFile = join(params.stateDir, 'squid.conf')
      writeFileSync(confFile, conf)
      // Run as root, squid switches to cache_effective_user after reading its configuration: the helpers,
      // the certificate database and the logs must then be that user's.
      if (process.getuid?.() === 0) chownTree(params.stateDir, SQUID_USER)
      const child = await startProductProcess('squid', 'squid', ['-N', '-d', '1', '-f', confFile], [port])
      return {
        caCertDer: ca.der,
        routeFor: (upstream) => ({ kind: 'connect', proxyHost: '127.0.0.1', proxyPort: port, target: `${upstream.host}:${upstream.port}` }),
        logTail: child.logTail,
        stop: child.stop,
      }
    },
  }
}

function chownTree(dir: string, user: string): void {
  const ids = spawnSync('id', ['-u', user], { encoding: 'utf8' })
  const gids = spawnSync('id', ['-g', user], { encoding: 'utf8' })
  if (ids.status !== 0 || gids.status !== 0) throw new LabError('PROXY_START_FAILED', `squid runs as ${user}, and this machine has no such user`)
  const uid = Number(ids.stdout.trim())
  const gid = Number(gids.stdout.trim())
  const walk = (path: string): void => {
    chownSync(path, uid, gid)
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry))
  }
  walk(dir)
}
