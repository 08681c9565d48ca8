import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import type { IssuedCertificate } from '../../../ca/index.js'
import { closeServer, listen } from '../../../server/genuine/genuine-server.js'
import { startInterceptingProxy } from '../../../server/proxy/intercepting-proxy.js'
import type { PathMiddlebox, UpstreamEndpoint } from '../../define-scenario.js'
import { startForgingMiddlebox } from './forging-middlebox.js'

/**
 * nogotofail's trick: attack only some connections (it defaults to about 10 %
 * at random) so the app keeps working and the user never sees a pattern. The
 * lab uses a fixed schedule, every `attackEvery`-th connection, so a run is
 * reproducible; the others are relayed untouched to the genuine server.
 */
export async function startProbabilisticMiddlebox(upstream: UpstreamEndpoint, forged: IssuedCertificate[], attackEvery: number): Promise<PathMiddlebox> {
  const forging = await startForgingMiddlebox(upstream, forged)
  const relaying = await startInterceptingProxy({ mode: 'passthrough', upstream })
  const sockets = new Set<Socket>()
  let count = 0
  const front = createServer((client) => {
    count++
    const target = count % attackEvery === 0 ? forging.connectTo : { host: relaying.host, port: relaying.port }
    const inner = connect(target.port, target.host)
    for (const socket of [client, inner]) {
      sockets.add(socket)
      socket.on('error', () => {})
      socket.once('close', () => sockets.delete(socket))
    }
    client.pipe(inner)
    inner.pipe(client)
    client.once('close', () => inner.destroy())
    inner.once('close', () => client.destroy())
  })
  await listen(front, '127.0.0.1', 0)
  return {
    connectTo: { host: '127.0.0.1', port: (front.address() as AddressInfo).port },
    records: () => [...relaying.records, ...forging.records()].sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
    whenIdle: async (timeoutMs) => {
      await Promise.all([forging.whenIdle(timeoutMs), relaying.whenIdle(timeoutMs)])
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await closeServer(front)
      await Promise.all([forging.close(), relaying.close()])
    },
  }
}
