import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { DEFAULT_CIPHERS } from 'node:tls'
import type { Command } from 'commander'
import { loadOrCreateLabPki } from '../../ca/index.js'
import { resolveDataDir } from '../config.js'
import { ConfigError } from '../errors.js'
import { createForgedCertificates } from '../proxy/forged-certificates.js'
import { DEFAULT_HEAD_TIMEOUT_MS, startInterceptingProxy } from '../proxy/intercepting-proxy.js'
import { UPSTREAM_PROFILES, type UpstreamProfileId } from '../fingerprint/upstream-profiles.js'

interface ProxyCommandOptions {
  mode: string
  listen: string
  host: string
  upstream?: string
  upstreamCa?: string
  insecureUpstream?: boolean
  caCertOut?: string
  dataDir?: string
  leafKey: string
  maxHosts: string
  maxConnections: string
  idleTimeout: string
  helloTimeout: string
  headTimeout: string
  connectUpstream: string
  records?: string
  sniff: boolean
  fastCiphers: boolean
  allowAnyTarget?: boolean
  upstreamProfile: string
  upstreamConnections?: string
  upstreamPoolSize: string
  upstreamIdleTimeout: string
}

/**
 * AES-128-GCM first (then Node's defaults): both legs are the proxy's own
 * choice, and AES-128 with SHA-256 is the cheapest suite for a CPU with AES-NI
 * (fewer AES rounds; a SHA-256 key schedule instead of SHA-384).
 */
const FAST_CIPHERS = `TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:${DEFAULT_CIPHERS}`

export function registerProxyCommand(program: Command): void {
  program
    .command('proxy')
    .description('Run the forging proxy on its own: reverse (hijacked DNS) or explicit HTTP CONNECT')
    .option(
      '--mode <mode>',
      'reverse: clients connect here as if DNS were hijacked; connect: explicit HTTP CONNECT proxy',
      'reverse',
    )
    .option('--listen <port>', 'port to listen on', '8443')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--upstream <url>', 'reverse mode: the genuine server, e.g. https://127.0.0.1:8444')
    .option(
      '--upstream-ca <file>',
      'PEM of the CA that signed upstream servers (default: the lab trusted root)',
    )
    .option('--insecure-upstream', 'do not verify upstream certificates')
    .option('--ca-cert-out <file>', 'write the interception CA certificate (what clients must trust) to FILE')
    .option('--data-dir <dir>', 'lab PKI location (default: $MITMLAB_DATA_DIR or ./data)')
    .option('--leaf-key <type>', 'forged leaf key: ec (P-256) or rsa (2048)', 'ec')
    .option('--max-hosts <n>', 'forged certificates kept (LRU)', '1000')
    .option('--max-connections <n>', 'open connections at most; extras are refused', '10000')
    .option('--idle-timeout <ms>', 'close connections idle this long', '30000')
    .option(
      '--hello-timeout <ms>',
      'close clients that send no whole ClientHello (or CONNECT head) within this',
      '5000',
    )
    .option(
      '--head-timeout <ms>',
      'close clients that take longer than this to send a request head, from its first byte (slowloris)',
      String(DEFAULT_HEAD_TIMEOUT_MS),
    )
    .option(
      '--connect-upstream <when>',
      'with-hello (in parallel with the client handshake) or after-handshake',
      'with-hello',
    )
    .option('--records <file>', 'append one JSON record per closed connection to FILE')
    .option('--no-sniff', 'do not read requests and credentials out of the plaintext')
    .option(
      '--no-fast-ciphers',
      "keep Node's cipher preference (AES-256-GCM first) instead of AES-128-GCM first on both legs",
    )
    .option(
      '--upstream-profile <profile>',
      `upstream ClientHello: ${UPSTREAM_PROFILES.map((p) => p.id).join(' | ')} (impersonate mirrors each client)`,
      'node-default',
    )
    .option(
      '--upstream-connections <how>',
      'pooled: HTTP/1.1-aware relay over kept-alive upstream connections (one TLS handshake per client connection instead of two); per-client: one upstream connection per client, bytes relayed untouched (default: pooled, per-client with a shaping --upstream-profile)',
    )
    .option('--upstream-pool-size <n>', 'pooled: idle upstream connections kept per origin', '64')
    .option(
      '--upstream-idle-timeout <ms>',
      'pooled: close idle upstream connections after this (keep it below the server keep-alive timeout)',
      '4000',
    )
    .option(
      '--allow-any-target',
      'connect mode: allow CONNECT to any host (default: loopback and lab names only)',
    )
    .action(async (options: ProxyCommandOptions) => {
      await runProxy(options)
    })
}

async function runProxy(options: ProxyCommandOptions): Promise<void> {
  // Peers that reset (most clients close with a FIN or RST right after their last response) cost an
  // Error each; with tsx's source maps on, formatting its stack walks the maps (~0.1 ms a connection
  // in the profile). The proxy's own stack traces stay readable without them (tsx keeps line structure).
  process.setSourceMapsEnabled(false)
  const mode = options.mode === 'connect' ? 'connect' : options.mode === 'reverse' ? 'reverse' : null
  if (mode === null)
    throw new ConfigError('CONFIG_INVALID', `--mode must be reverse or connect, not ${options.mode}`)
  const upstreamUrl = mode === 'reverse' ? parseUpstream(options.upstream) : null
  const pki = loadOrCreateLabPki(resolveDataDir(options.dataDir))
  if (options.caCertOut !== undefined) writeFileSync(options.caCertOut, pki.interceptionCa.pem)
  const forged = createForgedCertificates({
    ca: pki.interceptionCa,
    keySpec: options.leafKey === 'rsa' ? { type: 'rsa', bits: 2048 } : { type: 'ec', curve: 'P-256' },
    maxHosts: positive(options.maxHosts, '--max-hosts'),
    defaultHost: upstreamUrl?.hostname.replace(/^\[|\]$/g, '') ?? 'localhost',
    ...(options.fastCiphers ? { tls: { ciphers: FAST_CIPHERS, honorCipherOrder: true } } : {}),
  })
  const records = options.records
  const profile = upstreamProfile(options.upstreamProfile)
  const upstreamConnections = resolveUpstreamConnections(options.upstreamConnections, profile)
  const proxy = await startInterceptingProxy({
    mode: 'terminate',
    entry: mode === 'connect' ? 'http-connect' : 'tls',
    upstream: {
      host: upstreamUrl?.hostname.replace(/^\[|\]$/g, '') ?? '127.0.0.1',
      port: Number(upstreamUrl?.port || 443),
      caPem:
        options.upstreamCa === undefined ? pki.trustedRoot.pem : readFileSync(options.upstreamCa, 'utf8'),
      rejectUnauthorized: options.insecureUpstream !== true,
      ...(options.fastCiphers ? { ciphers: FAST_CIPHERS } : {}),
      profile,
    },
    upstreamConnections,
    upstreamPool: {
      maxIdlePerOrigin: positive(options.upstreamPoolSize, '--upstream-pool-size'),
      idleTimeoutMs: positive(options.upstreamIdleTimeout, '--upstream-idle-timeout'),
    },
    ...(options.allowAnyTarget === true ? {} : { isConnectTargetAllowed: isLabTarget }),
    connectUpstream: options.connectUpstream === 'after-handshake' ? 'after-handshake' : 'with-hello',
    certificateFor: forged.certificateFor,
    keepRecords: false,
    recordPlaintext: options.sniff,
    maxConnections: positive(options.maxConnections, '--max-connections'),
    idleTimeoutMs: positive(options.idleTimeout, '--idle-timeout'),
    helloTimeoutMs: positive(options.helloTimeout, '--hello-timeout'),
    headTimeoutMs: positive(options.headTimeout, '--head-timeout'),
    host: options.host,
    port: Number(options.listen),
    onIncident: (incident) =>
      process.stderr.write(`incident #${incident.connectionId} ${incident.type}: ${incident.message}\n`),
    ...(records === undefined
      ? {}
      : { onRecord: (record) => appendFileSync(records, `${JSON.stringify(record)}\n`) }),
  })
  process.stderr.write(
    `mitmlab proxy (${mode}, ${upstreamConnections} upstream connections) listening on ${proxy.host}:${proxy.port}\n`,
  )
  const stop = (): void => {
    const stats = forged.stats()
    const pool = proxy.upstreamPoolStats()
    const pooled = pool === null ? '' : `; ${pool.opened} upstream connections opened, ${pool.reused} reuses`
    process.stderr.write(
      `forged ${stats.misses} hosts, ${stats.hits} cache hits, ${stats.evictions} evictions${pooled}; stopping\n`,
    )
    void proxy.close().then(() => process.exit(0))
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  // For measurements (scripts/bench/idle-memory.ts): collect garbage when allowed (--expose-gc), then report.
  process.on('SIGUSR2', () => {
    ;(globalThis as { gc?: () => void }).gc?.()
    const memory = process.memoryUsage()
    process.stderr.write(
      `memory rss=${memory.rss} heapUsed=${memory.heapUsed} external=${memory.external} open=${proxy.openConnections()}\n`,
    )
  })
}

function parseUpstream(value: string | undefined): URL {
  if (value === undefined)
    throw new ConfigError('CONFIG_INVALID', 'reverse mode needs --upstream https://HOST:PORT')
  try {
    return new URL(value)
  } catch {
    throw new ConfigError('CONFIG_INVALID', `--upstream ${value} is not a URL`)
  }
}

function positive(value: string, flag: string): number {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1)
    throw new ConfigError('CONFIG_INVALID', `${flag} must be a positive integer, not ${value}`)
  return number
}

/** The lab never reaches out: loopback addresses and lab names (the names its CA may vouch for) only. */
export function isLabTarget(host: string): boolean {
  const name = host.toLowerCase()
  if (isIP(name) === 4) return name.startsWith('127.')
  if (isIP(name) === 6) return name === '::1'
  return name === 'localhost' || /\.(lab|test|localhost)$/.test(name)
}

function resolveUpstreamConnections(
  value: string | undefined,
  profile: UpstreamProfileId,
): 'pooled' | 'per-client' {
  if (value === undefined) return profile === 'node-default' ? 'pooled' : 'per-client'
  if (value !== 'pooled' && value !== 'per-client')
    throw new ConfigError(
      'CONFIG_INVALID',
      `--upstream-connections must be pooled or per-client, not "${value}"`,
    )
  if (value === 'pooled' && profile !== 'node-default') {
    throw new ConfigError(
      'CONFIG_INVALID',
      `--upstream-connections pooled needs --upstream-profile node-default: "${profile}" shapes each client's own upstream hello`,
    )
  }
  return value
}

function upstreamProfile(value: string): UpstreamProfileId {
  const profile = UPSTREAM_PROFILES.find((p) => p.id === value)
  if (profile === undefined) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `--upstream-profile must be one of ${UPSTREAM_PROFILES.map((p) => p.id).join(', ')}, not "${value}"`,
    )
  }
  return profile.id
}
