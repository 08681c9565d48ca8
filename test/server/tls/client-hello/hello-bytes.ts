import { connect } from 'node:tls'
import { captureClientHello } from '../../../../server/tls/client-hello/capture-client-hello.js'
import type { ConnectionOptions } from 'node:tls'

/** Test support: builds TLS wire bytes by hand, for hellos no real client sends. */
export function u16(value: number): number[] {
  return [(value >> 8) & 0xff, value & 0xff]
}

export function vec(prefixBytes: 1 | 2 | 3, body: readonly number[]): number[] {
  const n = body.length
  const prefix = prefixBytes === 1 ? [n] : prefixBytes === 2 ? u16(n) : [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]
  return [...prefix, ...body]
}

export function extension(type: number, data: readonly number[]): number[] {
  return [...u16(type), ...vec(2, data)]
}

export interface HelloParts {
  ciphers?: number[]
  /** Raw extension blocks (already `extension(...)`-encoded); undefined omits the extensions vector. */
  extensions?: number[][] | undefined
}

/** A ClientHello handshake message (type 1 + u24 length + body). */
export function helloMessage(parts: HelloParts = {}): number[] {
  const ciphers = parts.ciphers ?? [0x1301, 0xc02f]
  const body = [
    ...u16(0x0303),
    ...new Array<number>(32).fill(7),
    ...vec(1, []),
    ...vec(2, ciphers.flatMap(u16)),
    ...vec(1, [0]),
    ...(parts.extensions === undefined ? [] : vec(2, parts.extensions.flat())),
  ]
  return [1, ...vec(3, body)]
}

/** Frames handshake bytes into records of at most `fragmentSize` bytes. */
export function records(message: readonly number[], fragmentSize = 16_384, type = 22): Uint8Array {
  const out: number[] = []
  for (let at = 0; at < message.length; at += fragmentSize) {
    const fragment = message.slice(at, at + fragmentSize)
    out.push(type, 3, 1, ...u16(fragment.length), ...fragment)
  }
  return Uint8Array.from(out)
}

/** The raw bytes of one real ClientHello from node:tls `connect` with these options. */
export async function captureNodeHello(options: ConnectionOptions = {}): Promise<Buffer> {
  const { bytes } = await captureClientHello((port) => {
    connect({ host: '127.0.0.1', port, servername: 'bank.lab', ...options }).on('error', () => undefined)
  })
  return bytes
}
