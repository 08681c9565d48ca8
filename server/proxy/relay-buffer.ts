/**
 * Stream buffer bound of the relay's TLS sockets (Node's `highWaterMark`, readable and writable).
 * Node's default, 16 KiB, is one TLS record: every relayed record then reports backpressure, and
 * each pause/resume of the other leg costs a readStop/readStart (epoll_ctl) and a round through JS.
 * Measured on a 256 MiB download through a Node TLS relay on this machine: 16,384 pauses and
 * 0.62-0.73 s of relay CPU at 16 KiB; 1,020 pauses and 0.45-0.50 s at 256 KiB; 250 pauses and
 * 0.38-0.42 s at 1 MiB. Backpressure still holds, bounded at 1 MiB per direction and socket.
 */
export const RELAY_BUFFER_BYTES = 1024 * 1024

/**
 * `options` with the relay's buffer bound. Node forwards `highWaterMark` from TLSSocket and
 * tls.connect options to the underlying stream (lib/_tls_wrap.js spreads them into net.Socket),
 * but @types/node does not declare it there.
 */
export function withRelayBuffer<T extends object>(options: T): T {
  return { ...options, highWaterMark: RELAY_BUFFER_BYTES }
}
