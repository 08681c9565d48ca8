import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { connect, createSecureContext, createServer, type ConnectionOptions, type TLSSocket } from 'node:tls'
import { beforeAll, describe, expect, it } from 'vitest'
import { captureClientHello } from '../../../server/tls/client-hello/capture-client-hello.js'
import { ianaGroupName } from '../../../server/tls/key-exchange-group.js'
import { probeServerGroup } from '../../../server/tls/server-group-probe.js'
import { makeTestPki, type TestPki } from './support/test-pki.js'

let pki: TestPki
beforeAll(() => {
  pki = makeTestPki('ec')
})

/** The client's own answer on a real connection to a server configured with `serverGroups`. */
async function realGroup(client: ConnectionOptions, serverGroups: string | undefined): Promise<string | null> {
  const server = createServer({ key: pki.leafKeyPem, cert: pki.leafPem, ...(serverGroups === undefined ? {} : { ecdhCurve: serverGroups }) }, (s) => s.end())
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    const socket: TLSSocket = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', servername: 'localhost', ca: pki.caPem, ...client })
    await once(socket, 'secureConnect')
    const info = socket.getEphemeralKeyInfo()
    socket.destroy()
    return info !== null && 'name' in info && typeof info.name === 'string' ? ianaGroupName(info.name) : null
  } finally {
    server.close()
  }
}

async function probedGroup(client: ConnectionOptions, serverGroups: string | undefined): Promise<string | null> {
  const { bytes } = await captureClientHello((port) => {
    connect({ port, host: '127.0.0.1', servername: 'localhost', ca: pki.caPem, ...client }).on('error', () => undefined)
  })
  const context = createSecureContext({ key: pki.leafKeyPem, cert: pki.leafPem, ...(serverGroups === undefined ? {} : { ecdhCurve: serverGroups }) })
  return probeServerGroup(bytes, context)
}

describe('probeServerGroup: the server-side leg group node:tls does not expose', () => {
  // Each row: what the client offers, what the server is configured with, what OpenSSL 3.5 picks.
  const cases: { name: string; client: ConnectionOptions; server: string | undefined; expected: string }[] = [
    { name: 'Node 24 defaults on both sides: the hybrid', client: {}, server: undefined, expected: 'X25519MLKEM768' },
    { name: 'a classical client (X25519 only)', client: { ecdhCurve: 'X25519' }, server: undefined, expected: 'x25519' },
    { name: 'a classical server (an older inspection product)', client: {}, server: 'X25519:P-256:P-384', expected: 'x25519' },
    { name: 'a server that prefers P-256 but the client only shared X25519 keys', client: {}, server: 'P-256:X25519', expected: 'x25519' },
    { name: 'P-256 only on the server: a HelloRetryRequest names it', client: {}, server: 'P-256', expected: 'secp256r1' },
    { name: 'TLS 1.2: the ServerKeyExchange curve', client: { maxVersion: 'TLSv1.2' }, server: undefined, expected: 'x25519' },
  ]
  for (const c of cases) {
    it(`${c.name}: ${c.expected}, as the client of a real connection reports it`, async () => {
      const [probed, real] = await Promise.all([probedGroup(c.client, c.server), realGroup(c.client, c.server)])
      expect(probed).toBe(c.expected)
      expect(real).toBe(c.expected)
    })
  }

  it('answers null, without throwing, for bytes that are not a ClientHello', async () => {
    const context = createSecureContext({ key: pki.leafKeyPem, cert: pki.leafPem })
    expect(await probeServerGroup(Buffer.from('GET / HTTP/1.1\r\n\r\n'), context, 500)).toBeNull()
  })
})
