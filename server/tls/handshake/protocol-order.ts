import type { DecodedMessage } from './direction-decoder.js'
import { HandshakeType } from './tls-names.js'

/**
 * Merges the two directions into the order the messages were exchanged,
 * from the protocol's own dependencies (RFC 8446 §2, RFC 5246 §7.3): each
 * message waits for the message of the other side that triggers it. Captures
 * have no shared clock, so this is the only honest interleaving.
 */
export function protocolOrder(client: readonly DecodedMessage[], server: readonly DecodedMessage[], tls13: boolean): DecodedMessage[] {
  const merged: DecodedMessage[] = []
  const seen = { clientHellos: 0, serverHellos: 0, retries: 0, serverFlightDone: false, clientFinished: false }
  let c = 0
  let s = 0
  const clientReady = (at: number): boolean => {
    const m = client[at]
    if (!m) return false
    // A ChangeCipherSpec goes with the client message that follows it: the second
    // ClientHello after a HelloRetryRequest, or the Finished (RFC 8446 §D.4).
    if (m.message.type === undefined && client[at + 1]) return clientReady(at + 1)
    if (m.message.type === HandshakeType.clientHello) return seen.retries >= seen.clientHellos
    return seen.serverFlightDone
  }
  const serverReady = (m: DecodedMessage): boolean => {
    const type = m.message.type
    if (type === HandshakeType.serverHello) return seen.clientHellos > seen.serverHellos
    if (type === HandshakeType.newSessionTicket) return seen.clientFinished
    // TLS 1.2 full handshake: the server's CCS and Finished answer the client's Finished.
    if (!tls13 && (type === HandshakeType.finished || type === undefined) && seen.serverHellos > 0) {
      return seen.clientFinished || !hasServerHelloDone(server)
    }
    return true
  }
  const note = (m: DecodedMessage, fromClient: boolean): void => {
    merged.push(m)
    const type = m.message.type
    if (fromClient && type === HandshakeType.clientHello) seen.clientHellos++
    if (fromClient && type === HandshakeType.finished) seen.clientFinished = true
    if (!fromClient && type === HandshakeType.serverHello) {
      seen.serverHellos++
      if (m.message.fields['helloRetryRequest'] === true) seen.retries++
    }
    if (!fromClient && (type === HandshakeType.serverHelloDone || type === HandshakeType.finished)) seen.serverFlightDone = true
  }
  while (c < client.length || s < server.length) {
    const nextClient = client[c]
    const nextServer = server[s]
    if (nextClient && (clientReady(c) || !nextServer)) {
      note(nextClient, true)
      c++
    } else if (nextServer && (serverReady(nextServer) || !nextClient)) {
      note(nextServer, false)
      s++
      // TLS 1.3's dummy CCS travels with the server's first handshake message (RFC 8446 §D.4).
      const following = server[s]
      if (tls13 && following && following.message.type === undefined) {
        note(following, false)
        s++
      }
    } else if (nextServer) {
      // Neither side's trigger was captured (a truncated or edited stream): keep capture order per side.
      note(nextServer, false)
      s++
    }
  }
  return merged
}

function hasServerHelloDone(server: readonly DecodedMessage[]): boolean {
  return server.some((m) => m.message.type === HandshakeType.serverHelloDone)
}
