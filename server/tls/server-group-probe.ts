import { Duplex } from 'node:stream'
import { TLSSocket, type SecureContext } from 'node:tls'
import { decodeConnection } from './handshake/decode-connection.js'

/**
 * Which key-exchange group a TLS server context picks for a given ClientHello — the group of a
 * connection's server-side leg, which node:tls does not expose (`getEphemeralKeyInfo()` answers
 * only for clients: src/crypto/crypto_tls.cc returns null when `is_server()`).
 *
 * How: the recorded ClientHello is replayed into a throwaway server TLSSocket with the *same*
 * SecureContext, over an in-memory duplex, and the first flight it writes is read: the ServerHello's
 * key_share (RFC 8446 §4.2.8: the selected group; a HelloRetryRequest names the group the client
 * must retry with, which is then the connection's group), or for TLS 1.2 the ServerKeyExchange's
 * named curve (RFC 8422 §5.4). The choice is OpenSSL's own, made by the same code with the same
 * configuration, so it is exactly the real connection's; nothing is sent to anybody.
 *
 * Costs one server key share (~0.1 ms for X25519, ~0.2 ms with ML-KEM-768): used only where the
 * proxy keeps connection records.
 */
export async function probeServerGroup(
  clientHello: Buffer,
  secureContext: SecureContext,
  timeoutMs = 2_000,
): Promise<string | null> {
  const written: Buffer[] = []
  let settle: (group: string | null) => void = () => {}
  const result = new Promise<string | null>((resolve) => (settle = resolve))
  const wire = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk)
      const group = groupInServerFlight(clientHello, Buffer.concat(written))
      if (group !== undefined) settle(group)
      callback()
    },
  })
  const server = new TLSSocket(wire, { isServer: true, secureContext })
  // The replay ends mid-handshake on purpose; whatever OpenSSL says about that is not news.
  server.on('error', () => settle(null))
  const timer = setTimeout(() => settle(null), timeoutMs)
  wire.push(clientHello)
  try {
    return await result
  } finally {
    clearTimeout(timer)
    server.destroy()
    wire.destroy()
  }
}

/**
 * The group in a server's first flight: a string once it can be read, null when the flight is
 * complete without one (no (EC)DHE: e.g. static RSA), undefined while more bytes are needed.
 */
export function groupInServerFlight(clientHello: Buffer, serverFlight: Buffer): string | null | undefined {
  const transcript = decodeConnection({ clientToServer: clientHello, serverToClient: serverFlight, keylog: '' })
  for (const message of transcript.serverToClient) {
    const share = message.fields['keyShareGroup']
    if (message.name === 'ServerHello' && typeof share === 'string') return share
    const curve = message.fields['curve']
    if (message.name === 'ServerKeyExchange' && typeof curve === 'string') return curve
    // TLS 1.3 with no key_share in the ServerHello does not exist (RFC 8446 §4.1.3: PSK-only is not
    // used here); TLS 1.2 without a ServerKeyExchange by ServerHelloDone is static RSA.
    if (message.name === 'ServerHelloDone') return null
  }
  return undefined
}
