import { X509Certificate } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { connect, createServer } from 'node:tls'
import { describe, expect, it } from 'vitest'
import { LeafCache } from '../../../ca/index.js'
import { createForgedCertificates } from '../../../server/proxy/forged-certificates.js'
import { testPki } from '../../support/lab-pki.js'

const pki = testPki()

describe('LeafCache', () => {
  it('forges once per host, case-insensitively, and evicts the least recently used past maxHosts', () => {
    const cache = new LeafCache({ issuer: pki.interceptionCa, maxHosts: 2, build: (leaf) => leaf })
    const a = cache.get('a.lab')
    cache.get('b.lab')
    expect(cache.get('A.LAB')).toBe(a)
    cache.get('c.lab') // evicts b.lab, the least recently used
    expect(cache.get('a.lab')).toBe(a)
    expect(cache.stats()).toEqual({ hits: 2, misses: 3, evictions: 1, size: 2 })
    cache.get('b.lab')
    expect(cache.stats().misses).toBe(4)
  })

  it('forges a leaf for the host with one shared key, signed by the issuer', () => {
    const cache = new LeafCache({ issuer: pki.interceptionCa, build: (leaf) => leaf })
    const leaf = new X509Certificate(cache.get('bank.lab').der)
    const other = new X509Certificate(cache.get('www.bank.lab').der)
    expect(leaf.subjectAltName).toBe('DNS:bank.lab')
    expect(leaf.verify(new X509Certificate(pki.interceptionCa.der).publicKey)).toBe(true)
    expect(leaf.publicKey.export({ type: 'spki', format: 'der' })).toEqual(
      other.publicKey.export({ type: 'spki', format: 'der' }),
    )
    expect(leaf.publicKey.asymmetricKeyType).toBe('ec')
  })

  it('puts an IP literal in an iPAddress SAN', () => {
    const cache = new LeafCache({ issuer: pki.interceptionCa, build: (leaf) => leaf })
    expect(new X509Certificate(cache.get('127.0.0.1').der).subjectAltName).toBe('IP Address:127.0.0.1')
  })

  it('refuses names that are not host names with CA_INVALID_PARAMS', () => {
    const cache = new LeafCache({ issuer: pki.interceptionCa, build: (leaf) => leaf })
    expect(() => cache.get('bad name\u0000.lab')).toThrow(
      expect.objectContaining({ code: 'CA_INVALID_PARAMS' }),
    )
    expect(() => cache.get('a'.repeat(254))).toThrow(expect.objectContaining({ code: 'CA_INVALID_PARAMS' }))
  })
})

describe('createForgedCertificates', () => {
  it('serves leaf and EC issuing CA, each signed by the next; the installed CA is the anchor, not sent', () => {
    const forged = createForgedCertificates({ ca: pki.interceptionCa, defaultHost: 'bank.lab' })
    const served = forged.certificateFor('shop.lab')
    const [leaf, issuing] = served.chainDer.map((der) => new X509Certificate(der))
    expect(served.chainDer).toHaveLength(2)
    expect(leaf?.subject).toBe('CN=shop.lab')
    expect(issuing?.publicKey.asymmetricKeyType).toBe('ec')
    expect(leaf?.verify(issuing?.publicKey ?? leaf.publicKey)).toBe(true)
    expect(issuing?.verify(new X509Certificate(pki.interceptionCa.der).publicKey)).toBe(true)
    expect(served.chainSubjects.map((names) => names.subject)).toEqual([
      'CN=shop.lab',
      expect.stringContaining('issuing CA'),
    ])
    expect(forged.certificateFor('shop.lab')).toBe(served)
  })

  it('sends exactly the recorded chain on the wire for every forged host, pooled contexts included', async () => {
    const forged = createForgedCertificates({ ca: pki.interceptionCa, defaultHost: 'bank.lab' })
    // More hosts than the pool holds ready, so some contexts are made on the spot and some come from the pool.
    for (const host of ['a.lab', 'b.lab', 'c.lab', 'd.lab', 'e.lab', 'f.lab']) {
      const served = forged.certificateFor(host)
      // The proxy hands its context to a TLSSocket per connection; a server picks it per SNI the same way.
      const server = createServer(
        { SNICallback: (_name, use) => use(null, served.secureContext) },
        (socket) => socket.end(),
      )
      server.on('tlsClientError', () => {})
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      try {
        const { port } = server.address() as AddressInfo
        const wire = await new Promise<Buffer[]>((resolve, reject) => {
          const socket = connect(
            { host: '127.0.0.1', port, servername: host, ca: pki.interceptionCa.pem },
            () => {
              const chain: Buffer[] = []
              for (
                let cert = socket.getPeerCertificate(true);
                cert.raw !== undefined;
                cert = cert.issuerCertificate
              ) {
                chain.push(cert.raw)
                if (cert.issuerCertificate === cert) break
              }
              socket.destroy()
              resolve(chain)
            },
          )
          socket.on('error', reject)
        })
        // Node appends the trust anchor it verified against to the peer chain; the server sent the rest.
        expect(wire.slice(0, 2)).toEqual(served.chainDer)
        expect(wire[2]).toEqual(pki.interceptionCa.der)
      } finally {
        server.close()
      }
      await new Promise((resolve) => setImmediate(resolve))
    }
  })

  it('uses the default host when the client sends no SNI, and can sign with the installed CA directly', () => {
    const forged = createForgedCertificates({
      ca: pki.interceptionCa,
      defaultHost: 'bank.lab',
      issuingIntermediate: false,
    })
    const served = forged.certificateFor(null)
    expect(new X509Certificate(served.chainDer[0] ?? Buffer.alloc(0)).subject).toBe('CN=bank.lab')
    expect(served.chainDer).toHaveLength(1)
  })
})
