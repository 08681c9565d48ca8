import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { GenuineRequest } from '../lab/scenario-result.js'
import { LabError } from '../errors.js'
import { createBankSite } from './bank-site.js'

export interface StartGenuineServerParams {
  /** The server's chain, PEM, leaf first. */
  certificateChainPem: string
  privateKeyPem: string
  /** Default: 127.0.0.1. */
  host?: string
  /** Default: 0 (any free port). */
  port?: number
}

export interface GenuineServer {
  port: number
  host: string
  /** Every request that reached the site, in order. */
  requests: GenuineRequest[]
  close(): Promise<void>
}

/** The real origin: the lab bank over HTTPS with its genuine certificate. */
export async function startGenuineServer(params: StartGenuineServerParams): Promise<GenuineServer> {
  const requests: GenuineRequest[] = []
  const host = params.host ?? '127.0.0.1'
  const server: Server = createServer(
    {
      key: params.privateKeyPem,
      cert: params.certificateChainPem,
      ALPNProtocols: ['http/1.1'],
      // Slowloris and idle peers: bounded, so a hostile client cannot hold the origin.
      requestTimeout: 10_000,
      headersTimeout: 5_000,
    },
    createBankSite((request) => requests.push(request)),
  )
  server.keepAliveTimeout = 5_000
  // A peer that sends garbage or hangs up mid-handshake is an expected event, not a crash.
  server.on('tlsClientError', () => {})
  server.on('clientError', (_error, socket) => socket.destroy())
  await listen(server, host, params.port ?? 0)
  return {
    port: (server.address() as AddressInfo).port,
    host,
    requests,
    close: () => closeServer(server),
  }
}

export function listen(server: import('node:net').Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void =>
      reject(new LabError('SERVER_START_FAILED', `Cannot listen on ${host}:${port}: ${error.message}`, { cause: error }))
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve()
    })
  })
}

export function closeServer(server: import('node:net').Server & { closeAllConnections?: () => void }): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections?.()
  })
}
