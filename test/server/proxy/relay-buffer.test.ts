import { Socket } from 'node:net'
import { connect, TLSSocket } from 'node:tls'
import { describe, expect, it } from 'vitest'
import { RELAY_BUFFER_BYTES, withRelayBuffer } from '../../../server/proxy/relay-buffer.js'

// @types/node does not declare `highWaterMark` on TLS options; this guards the runtime behaviour the
// relay's throughput rests on (Node forwarding it to the stream), so a Node upgrade that drops it shows here.
describe('withRelayBuffer', () => {
  it('sets both stream buffer bounds of a server-side TLSSocket and of tls.connect', () => {
    const server = new TLSSocket(new Socket(), withRelayBuffer({ isServer: true }))
    expect(server.writableHighWaterMark).toBe(RELAY_BUFFER_BYTES)
    expect(server.readableHighWaterMark).toBe(RELAY_BUFFER_BYTES)
    server.destroy()
    const client = connect(withRelayBuffer({ host: '127.0.0.1', port: 9, lookup: () => {} }))
    client.on('error', () => {})
    expect(client.writableHighWaterMark).toBe(RELAY_BUFFER_BYTES)
    client.destroy()
  })
})
