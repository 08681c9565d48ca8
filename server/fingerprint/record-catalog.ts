import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { LabError } from '../errors.js'
import { captureClientHello } from '../tls/client-hello/capture-client-hello.js'
import type { ClientHello } from '../tls/client-hello/types.js'
import { CATALOG_URL, catalogSchema, type Catalog, type CatalogEntry } from './catalog.js'
import { compareHellos, type HelloFingerprint } from './compare-hellos.js'
import { computeJa3 } from './ja3.js'
import { computeJa4 } from './ja4.js'
import { LAB_CLIENTS, type LabClient } from './lab-clients.js'

/** Each client is captured this many times; its hello must not change between captures. */
const CAPTURES_PER_CLIENT = 2
const CAPTURE_TIMEOUT_MS = 10_000

/** Captures one real ClientHello from a lab client on loopback. */
export async function captureLabClientHello(client: LabClient): Promise<ClientHello> {
  const { hello } = await captureClientHello((port) => client.connectTls(port), { timeoutMs: CAPTURE_TIMEOUT_MS })
  if (!hello.ok) throw new LabError('CLIENT_FAILED', `${client.id} sent no parsable ClientHello: ${hello.code} ${hello.message}`)
  return hello.hello
}

/** The User-Agent a client sends over plain HTTP, or null if it sends none (or speaks no HTTP). */
export async function recordUserAgent(client: LabClient): Promise<string | null> {
  const requestHttp = client.requestHttp
  if (requestHttp === undefined) return null
  const server = createServer((req, res) => res.end())
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    const request = once(server, 'request')
    requestHttp((server.address() as AddressInfo).port)
    const [req] = (await Promise.race([
      request,
      new Promise((_, reject) => setTimeout(() => reject(new LabError('CLIENT_FAILED', `${client.id} sent no HTTP request`)), CAPTURE_TIMEOUT_MS)),
    ])) as [IncomingMessage]
    return req.headers['user-agent'] ?? null
  } finally {
    server.close()
    server.closeAllConnections()
  }
}

/** Fingerprints one client: captures it twice, checks the hello is stable, and records its claims. */
export async function recordClient(client: LabClient, software: string): Promise<CatalogEntry> {
  const hellos: ClientHello[] = []
  for (let i = 0; i < CAPTURES_PER_CLIENT; i++) hellos.push(await captureLabClientHello(client))
  const [first, ...rest] = hellos.map(withoutRandom)
  if (first === undefined) throw new LabError('INTERNAL', 'no capture')
  for (const other of rest) {
    const drift = compareHellos(first, other)
    if (drift.length > 0) throw new LabError('CLIENT_FAILED', `${client.id} changes its hello between connections: ${drift.map((d) => d.field).join(', ')}`)
  }
  const ja3 = computeJa3({ ...first, random: '' })
  const ja4 = computeJa4({ ...first, random: '' })
  return {
    clientId: client.id,
    description: client.description,
    software,
    userAgent: await recordUserAgent(client),
    ja3: ja3.hash,
    ja3Text: ja3.text,
    ...ja4,
    hello: first,
  }
}

/** Records every installed lab client; clients whose software is missing are skipped and named. */
export async function recordCatalog(): Promise<{ catalog: Catalog; skipped: string[] }> {
  const entries: CatalogEntry[] = []
  const skipped: string[] = []
  for (const client of LAB_CLIENTS) {
    const software = client.software()
    if (software === null) skipped.push(client.id)
    else entries.push(await recordClient(client, software))
  }
  return { catalog: catalogSchema.parse({ recordedAt: new Date().toISOString(), entries }), skipped }
}

/** The random differs on every connection; the catalog keeps everything else. */
function withoutRandom(hello: ClientHello): HelloFingerprint {
  const fingerprint: Partial<ClientHello> = { ...hello }
  delete fingerprint.random
  return fingerprint as HelloFingerprint
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { catalog, skipped } = await recordCatalog()
  writeFileSync(CATALOG_URL, `${JSON.stringify(catalog, null, 2)}\n`)
  for (const entry of catalog.entries) console.log(`${entry.clientId.padEnd(17)} ${entry.ja4}  ${entry.ja3}  UA=${entry.userAgent ?? '-'}`)
  if (skipped.length > 0) console.log(`skipped (not installed): ${skipped.join(', ')}`)
}
