import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { closeServer, listen } from '../genuine/genuine-server.js'

export interface PlainHttpRedirector {
  host: string
  port: number
  /** Every request that reached it: what a victim sent before being upgraded. */
  requests: { method: string; path: string }[]
  close(): Promise<void>
}

/**
 * The genuine bank's port 80: every request is answered with a permanent
 * redirect to the same path over https, as RFC 6797 §7.2 asks of an HSTS
 * host. It never sets Strict-Transport-Security itself: a UA must ignore the
 * header over plain HTTP (§8.1), which is the gap sslstrip lives in.
 */
export async function startPlainHttpRedirector(params: { httpsHost: string; host?: string }): Promise<PlainHttpRedirector> {
  const requests: PlainHttpRedirector['requests'] = []
  const server: Server = createServer((request, response) => {
    requests.push({ method: request.method ?? 'GET', path: request.url ?? '/' })
    request.resume()
    response.statusCode = 301
    response.setHeader('Location', `https://${params.httpsHost}${request.url ?? '/'}`)
    response.setHeader('Content-Type', 'text/html; charset=utf-8')
    response.end(`<!doctype html><a href="https://${params.httpsHost}${request.url ?? '/'}">Moved</a>`)
  })
  server.on('clientError', (_error, socket) => socket.destroy())
  const host = params.host ?? '127.0.0.1'
  await listen(server, host, 0)
  return { host, port: (server.address() as AddressInfo).port, requests, close: () => closeServer(server) }
}
