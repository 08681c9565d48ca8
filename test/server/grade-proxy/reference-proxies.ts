import { createServer, type AddressInfo, type Socket } from 'node:net'
import { connect as tlsConnect, createSecureContext, TLSSocket, type PeerCertificate, type DetailedPeerCertificate } from 'node:tls'
import { issueCertificate, type IssuedCertificate } from '../../../ca/index.js'
import { readFileSync } from 'node:fs'
import { X509Certificate } from 'node:crypto'
import type { ProductInstance, ProductStartParams, ProductUnderTest } from '../../../server/grade-proxy/product.js'
import { verify } from '../../../server/verifier/index.js'

/**
 * Two tiny interception products for the grading tests, as the extremes of
 * the rubric: `strict` verifies every upstream with the lab's verifier and a
 * modern TLS policy (TLS 1.2+, ECDHE AEAD only) and answers 502 otherwise;
 * `masking` accepts any upstream (TLS 1.0, any suite, no verification) and
 * forges a valid leaf for whatever it gets. Both are explicit CONNECT
 * proxies on 127.0.0.1 port 0 that resolve names from the upstream list.
 */
export function referenceProxy(kind: 'strict' | 'masking'): ProductUnderTest {
  return {
    id: `reference-${kind}`,
    description: kind === 'strict' ? 'reference proxy that blocks every invalid upstream' : 'reference proxy that masks every upstream',
    reproduce: '(test suite only)',
    generatesOwnCa: false,
    unavailableReason: () => null,
    start: (params) => startReferenceProxy(kind, params),
  }
}

async function startReferenceProxy(kind: 'strict' | 'masking', params: ProductStartParams): Promise<ProductInstance> {
  const ca = issueCertificate({ subject: { CN: `reference ${kind} CA` }, basicConstraints: { ca: true }, keyUsage: ['keyCertSign', 'cRLSign'] })
  const upstreamRoot = new X509Certificate(readFileSync(params.upstreamRootFile)).raw
  const leaves = new Map<string, IssuedCertificate>()
  const leafFor = (host: string): IssuedCertificate => {
    const cached = leaves.get(host)
    if (cached !== undefined) return cached
    const leaf = issueCertificate({ subject: { CN: host }, issuer: ca, keySpec: { type: 'ec', curve: 'P-256' }, sans: [{ dns: host }], basicConstraints: { ca: false }, keyUsage: ['digitalSignature'], extendedKeyUsage: ['serverAuth'] })
    leaves.set(host, leaf)
    return leaf
  }
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    sockets.add(client)
    client.once('close', () => sockets.delete(client))
    client.on('error', () => client.destroy())
    client.once('data', (head: Buffer) => {
      const target = /^CONNECT ([^\s:]+):(\d+) HTTP\/1\.1\r\n/.exec(head.toString('latin1'))
      const upstream = params.upstreams.find((u) => u.host === target?.[1])
      if (target === null || upstream === undefined) {
        client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
        return
      }
      const host = upstream.host
      const origin = tlsConnect({
        host: '127.0.0.1',
        port: upstream.port,
        servername: host,
        rejectUnauthorized: false,
        ...(kind === 'strict'
          ? { minVersion: 'TLSv1.2' as const, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384' }
          : { minVersion: 'TLSv1' as const, ciphers: 'ALL:@SECLEVEL=0' }),
      })
      origin.on('error', () => undefined)
      const refuse = (): void => {
        origin.destroy()
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        const tls = new TLSSocket(client, { isServer: true, secureContext: contextFor(leafFor(host), ca) })
        tls.on('error', () => tls.destroy())
        tls.once('data', () => tls.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'))
      }
      origin.once('error', refuse)
      origin.once('secureConnect', () => {
        origin.off('error', refuse)
        if (kind === 'strict') {
          const report = verify({ presented: chainOf(origin.getPeerCertificate(true)), trustAnchors: [upstreamRoot], expectedHost: host, now: new Date() })
          if (report.verdict === 'reject') {
            refuse()
            return
          }
        }
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        const tls = new TLSSocket(client, { isServer: true, secureContext: contextFor(leafFor(host), ca) })
        tls.on('error', () => tls.destroy())
        tls.pipe(origin).pipe(tls)
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    caCertDer: ca.der,
    routeFor: (upstream) => ({ kind: 'connect', proxyHost: '127.0.0.1', proxyPort: port, target: `${upstream.host}:${upstream.port}` }),
    logTail: () => '',
    stop: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function contextFor(leaf: IssuedCertificate, ca: IssuedCertificate): ReturnType<typeof createSecureContext> {
  return createSecureContext({ key: leaf.key.privateKeyPem, cert: leaf.pem + ca.pem })
}

function chainOf(leaf: DetailedPeerCertificate | PeerCertificate): Buffer[] {
  const chain: Buffer[] = []
  let current: DetailedPeerCertificate | undefined = leaf as DetailedPeerCertificate
  while (current?.raw !== undefined && chain.length < 10 && !chain.some((der) => der.equals(current?.raw ?? Buffer.alloc(0)))) {
    chain.push(current.raw)
    current = current.issuerCertificate
  }
  return chain
}
