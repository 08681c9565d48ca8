/**
 * Non-terminating tampering relays.
 *
 * @example
 * const relay = await createTamperRelay({ upstream: { host: '127.0.0.1', port }, tamper: { kind: 'flip-bit', direction: 'serverToClient' } })
 * // point the client at relay.port; afterwards relay.connections[0].clientLeg() feeds decodeConnection
 */
export { createTamperRelay, RelayedConnection, ByteCapture, type TamperRelay, type TamperRelayOptions } from './tamper-relay.js'
export type { TamperSpec, TamperStrategy, RecordContext, RelayDecision } from './tamper-strategy.js'
export { strategyFromSpec, faithfulStrategy } from './strategy-from-spec.js'
export { editClientHelloMessage, applyClientHelloEdit, STRONGEST_SUITES, HYBRID_GROUP_CODES, SSL_OP_NO_EXTENDED_MASTER_SECRET, type ClientHelloEdit } from './client-hello-edit.js'
