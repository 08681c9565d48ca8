import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { chainPem, type IssuedCertificate } from '../../../ca/index.js'
import { createBankSite } from '../../../server/genuine/bank-site.js'
import { closeServer, listen } from '../../../server/genuine/genuine-server.js'
import type { GenuineRequest } from '../../../server/lab/scenario-result.js'
import type { PathMiddlebox } from '../../define-scenario.js'
import type { Closable } from './forging-middlebox.js'

/**
 * The bank itself, serving a certificate a control needs (CT-logged,
 * must-staple with a staple): no attacker on the path, so nothing is recorded
 * as a connection and nothing can leak.
 */
export async function startSiteWithCertificate(
  served: IssuedCertificate[],
  options: { staple?: () => Buffer; companions?: Closable[] } = {},
): Promise<PathMiddlebox> {
  const [leaf] = served
  if (leaf === undefined) throw new Error('startSiteWithCertificate needs a leaf')
  const requests: GenuineRequest[] = []
  const server = createServer({ key: leaf.key.privateKeyPem, cert: chainPem(...served), ALPNProtocols: ['http/1.1'] }, createBankSite((request) => {
    // Bounded, as the genuine server's log is: the open lab keeps a site up for hours.
    if (requests.push(request) > 10_000) requests.shift()
  }))
  const staple = options.staple
  // RFC 6066 §8: the server answers a status_request with the OCSP response it holds.
  if (staple !== undefined) server.on('OCSPRequest', (_certificate: Buffer, _issuer: Buffer, callback: (error: Error | null, response: Buffer) => void) => callback(null, staple()))
  server.on('tlsClientError', () => {})
  await listen(server, '127.0.0.1', 0)
  return {
    connectTo: { host: '127.0.0.1', port: (server.address() as AddressInfo).port },
    records: () => [],
    requests: () => requests,
    whenIdle: async () => {},
    close: async () => {
      await closeServer(server)
      await Promise.all((options.companions ?? []).map((companion) => companion.close()))
    },
  }
}
