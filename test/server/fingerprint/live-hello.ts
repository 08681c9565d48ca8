import { connect, type ConnectionOptions } from 'node:tls'
import { captureClientHello } from '../../../server/tls/client-hello/capture-client-hello.js'
import type { ClientHello } from '../../../server/tls/client-hello/types.js'
import { captureLabClientHello } from '../../../server/fingerprint/record-catalog.js'
import { findLabClient, LAB_HOST } from '../../../server/fingerprint/lab-clients.js'
import { probeClient } from '../../support/installed-client.js'

/** Test support: the real hello node:tls sends with these options, as a proxy's upstream leg would. */
export async function captureNodeTlsHello(options: ConnectionOptions = {}): Promise<ClientHello> {
  const { hello } = await captureClientHello((port) => {
    connect({ host: '127.0.0.1', port, servername: LAB_HOST, ...options }).on('error', () => undefined)
  })
  if (!hello.ok) throw new Error(`no hello: ${hello.code} ${hello.message}`)
  return hello.hello
}

/** Test support: a live hello from one of the lab's clients (lab-clients.ts). */
export async function captureClient(id: string): Promise<ClientHello> {
  const client = findLabClient(id)
  if (client === undefined) throw new Error(`no lab client ${id}`)
  return captureLabClientHello(client)
}

/**
 * Whether a lab client's program is here, probed with the program itself (test/support/installed-client.ts),
 * not with lab-clients.ts's own software() check: a broken check must fail a test, not skip it (issue 22).
 */
export function isInstalled(id: string): boolean {
  return probeClient(id).isInstalled
}
