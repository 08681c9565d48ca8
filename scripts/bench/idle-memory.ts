// Measures the proxy's resident memory per idle intercepted connection: starts
// `mitmlab proxy` as its own process in front of a local HTTPS server, opens N
// client connections through it (SNI bank.lab, one keep-alive GET each, so both
// TLS legs are up), lets them sit idle, and reads VmRSS from /proc/PID/status.
// Usage: tsx scripts/bench/idle-memory.ts [--connections 1000] [--data-dir DIR] [--json FILE]
// Loopback only; every wait is bounded.
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { connect, type TLSSocket } from 'node:tls'
import { parseArgs } from 'node:util'
import { chainPem, loadOrCreateLabPki } from '../../ca/index.js'

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '1000' },
    'data-dir': { type: 'string', default: 'bench-out/data' },
    json: { type: 'string' },
  },
})
const count = Number(values.connections)
const dataDir = values['data-dir']
const repo = join(import.meta.dirname, '..', '..')

export interface IdleMemoryResult {
  connections: number
  open: number
  rssBeforeKiB: number
  rssAfterKiB: number
  /** Resident memory growth per open connection, after a full GC in the proxy. */
  perConnectionKiB: number
  /** Of which V8 heap (JS objects) and external (Buffers, native TLS state Node accounts for). */
  heapPerConnectionKiB: number
  externalPerConnectionKiB: number
}

const pki = loadOrCreateLabPki(dataDir)
const upstream: Server = createServer(
  {
    key: pki.genuineLeaf.key.privateKeyPem,
    cert: chainPem(pki.genuineLeaf, pki.trustedIntermediate),
    keepAlive: true,
  },
  (_request, response) => response.end('ok\n'),
)
upstream.keepAliveTimeout = 120_000
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
const upstreamPort = (upstream.address() as AddressInfo).port

const proxyPort = await freePort()
const proxy = spawn(
  process.execPath,
  [
    '--expose-gc',
    join(repo, 'bin', 'mitmlab.mjs'),
    'proxy',
    '--listen',
    String(proxyPort),
    '--upstream',
    `https://127.0.0.1:${upstreamPort}`,
    '--data-dir',
    dataDir,
    '--max-connections',
    String(count + 100),
    '--idle-timeout',
    '600000',
  ],
  { stdio: ['ignore', 'ignore', 'pipe'] },
)
let proxyLog = ''
proxy.stderr.on('data', (chunk: Buffer) => (proxyLog += chunk.toString()))
await waitForLog(/listening/, 60_000)

const ca = pki.interceptionCa.pem
const sockets: TLSSocket[] = []
// Warm up (JIT, pools), close, settle: the baseline is a proxy that has already served.
for (let i = 0; i < 50; i++) (await openIdle()).destroy()
await sleep(1_000)
const before = await proxyMemory()
for (let i = 0; i < count; i += 50) {
  const batch = await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => openIdle()))
  sockets.push(...batch)
}
await sleep(1_000)
const after = await proxyMemory()
const perConnection = (bytes: number): number =>
  Math.round((bytes / 1024 / Math.max(1, after.open)) * 10) / 10
const result: IdleMemoryResult = {
  connections: count,
  open: after.open,
  rssBeforeKiB: Math.round(before.rss / 1024),
  rssAfterKiB: Math.round(after.rss / 1024),
  perConnectionKiB: perConnection(after.rss - before.rss),
  heapPerConnectionKiB: perConnection(after.heapUsed - before.heapUsed),
  externalPerConnectionKiB: perConnection(after.external - before.external),
}
for (const socket of sockets) socket.destroy()
proxy.kill('SIGTERM')
upstream.closeAllConnections()
upstream.close()
process.stdout.write(`${JSON.stringify(result)}\n`)
if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(result, null, 2))
process.exit(0)

function openIdle(): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port: proxyPort, servername: 'bank.lab', ca, ALPNProtocols: ['http/1.1'] },
      () => {
        socket.write('GET / HTTP/1.1\r\nHost: bank.lab\r\n\r\n')
      },
    )
    const timer = setTimeout(() => reject(new Error('no response within 15 s')), 15_000)
    socket.once('data', () => {
      clearTimeout(timer)
      resolve(socket)
    })
    socket.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

/** Asks the proxy (SIGUSR2) to collect garbage and print its memory, and reads that line back. */
async function proxyMemory(): Promise<{ rss: number; heapUsed: number; external: number; open: number }> {
  const seen = proxyLog.length
  proxy.kill('SIGUSR2')
  const match = await waitForLog(/memory rss=(\d+) heapUsed=(\d+) external=(\d+) open=(\d+)/, 10_000, seen)
  return {
    rss: Number(match[1]),
    heapUsed: Number(match[2]),
    external: Number(match[3]),
    open: Number(match[4]),
  }
}

async function waitForLog(pattern: RegExp, timeoutMs: number, from = 0): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const match = pattern.exec(proxyLog.slice(from))
    if (match !== null) return match
    if (Date.now() > deadline)
      throw new Error(
        `proxy did not print ${String(pattern)} within ${timeoutMs} ms: ${proxyLog.slice(-500)}`,
      )
    await sleep(50)
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
