import type { Socket } from 'node:net'

/** Client bytes held while the upstream handshake finishes; past this the client is paused (backpressure). */
export const EARLY_DATA_LIMIT = 64 * 1024

/**
 * Holds what a client sends before the upstream is ready, bounded: past
 * `limit` bytes the client is paused until the relay starts. Returns the
 * function that stops holding and writes the held bytes, in order, upstream.
 */
export function holdEarlyData(client: Socket, limit = EARLY_DATA_LIMIT): (upstream: Socket) => void {
  const early: Buffer[] = []
  let size = 0
  const hold = (chunk: Buffer): void => {
    early.push(chunk)
    size += chunk.length
    if (size >= limit) client.pause()
  }
  client.on('data', hold)
  return (upstream) => {
    client.off('data', hold)
    for (const chunk of early) upstream.write(chunk)
    early.length = 0
  }
}
