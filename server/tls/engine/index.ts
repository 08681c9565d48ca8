/**
 * The lab's own TLS 1.2 server handshake, for the key-possession attack.
 *
 * @example
 * const engine = await createEngineServer({ certificateChain: genuineChainDer, signingKey: attackerKey })
 * // a client connecting to engine.port rejects the ServerKeyExchange signature; await engine.outcomes[0]
 */
export { createEngineServer, type EngineServer } from './engine-server.js'
export { serveTls12 } from './tls12-server-engine.js'
export { serveTls13 } from './tls13-server-engine.js'
export type { EngineOptions, EngineOutcome, EngineFailure, EngineStage } from './engine-types.js'
export type { EngineGroup } from './ecdhe-key-share.js'
export type { EngineSignatureScheme } from './server-key-exchange.js'
